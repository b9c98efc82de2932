"""8D reports of cases: HTML, PDF, Excel and the executed notebook."""
