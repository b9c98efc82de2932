"""The workbench's look: one style sheet for every page (layout, spacing, CJK fonts,
no notebook chrome), and small HTML helpers that escape what they are given."""

from __future__ import annotations

import html

import ipywidgets as widgets

__all__ = ["CSS", "badge", "esc", "style_sheet"]

FONTS = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
    '"Microsoft YaHei", "Noto Sans", "Segoe UI", Roboto, Arial, sans-serif'
)

CSS = f"""
:root {{
  --ed-blue: #1f5fa8; --ed-blue-soft: #e8f0fa; --ed-ink: #1d2733; --ed-muted: #5d6b7a;
  --ed-line: #d8dee6; --ed-bg: #f4f6f9; --ed-red: #c62828; --ed-red-soft: #fdecea;
  --ed-amber: #b26a00; --ed-amber-soft: #fff4e0; --ed-green: #2e7d32; --ed-green-soft: #e8f5e9;
}}
body, .jp-Notebook, .jp-Cell, .jp-OutputArea, .jupyter-widgets, .widget-label, input, select,
textarea, button, .widget-html-content, .jupyter-widgets * {{
  font-family: {FONTS} !important;
}}
body {{ background: var(--ed-bg) !important; color: var(--ed-ink); }}
/* no notebook chrome: prompts, cell borders, code */
.jp-OutputPrompt, .jp-InputPrompt, .jp-InputArea, .jp-Cell-inputWrapper,
.jp-OutputArea-prompt, .jp-Collapser {{ display: none !important; }}
.jp-Cell, .jp-Notebook {{ padding: 0 !important; margin: 0 !important; background: transparent; }}
.jp-OutputArea-output {{ padding: 0 !important; }}
#rendered_cells, .jp-Notebook {{ max-width: 1280px; margin: 0 auto !important; }}
.ed-page {{ width: 100%; max-width: 1240px; margin: 0 auto; padding: 0 12px 40px 12px;
  box-sizing: border-box; font-size: 14px; }}
.ed-header {{ background: #17324f; color: #fff; padding: 10px 18px; border-radius: 0 0 8px 8px;
  margin-bottom: 14px; align-items: center; }}
.ed-header .widget-html-content, .ed-header a {{ color: #fff; }}
.ed-brand {{ font-size: 18px; font-weight: 600; letter-spacing: .5px; }}
.ed-brand small {{ font-weight: 400; opacity: .8; margin-left: 8px; font-size: 13px; }}
.ed-nav a {{ color: #fff; margin-left: 18px; text-decoration: none; font-size: 14px; }}
.ed-nav a:hover {{ text-decoration: underline; }}
.ed-header .widget-label {{ color: #dce6f2 !important; }}
.ed-header select {{ background: #244566; color: #fff; border: 1px solid #3d6288; }}
.ed-card {{ background: #fff; border: 1px solid var(--ed-line); border-radius: 8px;
  padding: 14px 18px; margin-bottom: 14px; box-sizing: border-box; width: 100%; }}
.ed-title {{ font-size: 20px; font-weight: 600; margin: 4px 0 2px 0; }}
.ed-h2 {{ font-size: 16px; font-weight: 600; margin: 2px 0 8px 0; color: var(--ed-ink); }}
.ed-h3 {{ font-size: 14px; font-weight: 600; margin: 10px 0 4px 0; color: var(--ed-muted); }}
.ed-muted {{ color: var(--ed-muted); }}
.ed-label {{ font-size: 13px; color: var(--ed-muted); }}
.ed-req {{ color: var(--ed-red); font-weight: 700; }}
.ed-field {{ margin-bottom: 2px; min-width: 0; }}
.ed-field > .widget-text, .ed-field > .widget-textarea, .ed-field > .widget-dropdown,
.ed-field > .widget-select-multiple, .ed-field > .widget-select {{
  width: 100% !important; min-width: 0 !important; margin: 0 !important; }}
.ed-field input[type=text], .ed-field textarea, .ed-field select {{
  width: 100% !important; box-sizing: border-box; min-width: 0; }}
.ed-error {{ color: var(--ed-red); font-size: 12.5px; min-height: 0; }}
.ed-invalid input, .ed-invalid textarea, .ed-invalid select {{
  border-color: var(--ed-red) !important; background: var(--ed-red-soft); }}
.ed-form textarea {{ min-height: 60px; }}
.ed-msg {{ padding: 8px 12px; border-radius: 6px; margin: 6px 0; font-size: 14px; }}
.ed-msg-ok {{ background: var(--ed-green-soft); color: var(--ed-green); }}
.ed-msg-error {{ background: var(--ed-red-soft); color: var(--ed-red); }}
.ed-msg-warn {{ background: var(--ed-amber-soft); color: var(--ed-amber); }}
.ed-msg-info {{ background: var(--ed-blue-soft); color: var(--ed-blue); }}
.ed-msg ul {{ margin: 4px 0 0 18px; padding: 0; }}
table.ed-table {{ border-collapse: collapse; width: 100%; font-size: 13.5px; background: #fff;
  line-height: 1.45; }}
table.ed-table th {{ text-align: left; background: #eef2f7; color: var(--ed-ink); font-weight: 600;
  padding: 7px 8px; border-bottom: 1px solid var(--ed-line); white-space: nowrap; }}
table.ed-ledger-table td:first-child, table.ed-ledger-table td:nth-child(4),
table.ed-ledger-table td:nth-child(5), table.ed-ledger-table td:nth-child(6) {{
  white-space: nowrap; }}
table.ed-table td {{ padding: 6px 8px; border-bottom: 1px solid #edf0f4; vertical-align: top; }}
table.ed-table tr.ed-row:hover td {{ background: #f3f7fc; cursor: pointer; }}
table.ed-table a {{ color: var(--ed-blue); text-decoration: none; font-weight: 600; }}
table.ed-table a.ed-rowlink {{ color: inherit; font-weight: inherit; display: block; }}
.ed-state {{ display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  white-space: nowrap; }}
.ed-state-overdue {{ background: var(--ed-red-soft); color: var(--ed-red); font-weight: 600; }}
.ed-state-due_soon {{ background: var(--ed-amber-soft); color: var(--ed-amber); font-weight: 600; }}
.ed-state-due, .ed-state-pending, .ed-state-on_time, .ed-state-paused {{
  background: #eef2f7; color: var(--ed-muted); }}
.ed-state-done_on_time, .ed-state-done, .ed-state-valid {{
  background: var(--ed-green-soft); color: var(--ed-green); }}
.ed-state-done_late, .ed-state-changed_after_approval {{
  background: var(--ed-amber-soft); color: var(--ed-amber); }}
.ed-state-untimed, .ed-state-none, .ed-state-closed {{ background: #f1f1f1; color: #777; }}
.ed-grade {{ font-weight: 600; }}
.ed-toolbar {{ align-items: flex-end; gap: 10px; flex-wrap: wrap; }}
.ed-toolbar .widget-label {{ color: var(--ed-muted); }}
.ed-stepper {{ display: flex; gap: 6px; flex-wrap: nowrap; }}
.ed-step {{ flex: 1 1 0; min-width: 0; }}
.ed-step button {{ width: 100%; height: auto !important; min-height: 54px; white-space: normal;
  line-height: 1.25; padding: 6px 4px; border-radius: 6px; font-size: 12.5px; }}
.ed-step-done button {{ background: var(--ed-green-soft); color: var(--ed-green);
  border: 1px solid #b9dcbc; }}
.ed-step-current button {{ background: var(--ed-blue); color: #fff;
  border: 1px solid var(--ed-blue); }}
.ed-step-todo button {{ background: #fff; color: var(--ed-muted);
  border: 1px solid var(--ed-line); }}
.ed-step-overdue button {{ box-shadow: inset 0 -3px 0 var(--ed-red); }}
.ed-step-due_soon button {{ box-shadow: inset 0 -3px 0 #f0a020; }}
.ed-step-selected button {{ outline: 2px solid #17324f; outline-offset: 1px; }}
.ed-diagram {{ overflow-x: auto; background: #fff; border: 1px solid var(--ed-line);
  border-radius: 6px; padding: 6px; margin: 6px 0; }}
.ed-diagram svg {{ max-width: 100%; height: auto; }}
.ed-kv {{ display: grid; grid-template-columns: 160px 1fr 160px 1fr; gap: 4px 12px;
  font-size: 13.5px; }}
.ed-kv .k {{ color: var(--ed-muted); }}
.ed-thumbs {{ display: flex; gap: 10px; flex-wrap: wrap; }}
.ed-thumb {{ width: 150px; font-size: 12px; text-align: center; word-break: break-all; }}
.ed-thumb img {{ max-width: 150px; max-height: 110px; border: 1px solid var(--ed-line);
  border-radius: 4px; display: block; margin: 0 auto 4px auto; }}
.ed-pdf {{ width: 110px; height: 110px; display: flex; align-items: center;
  justify-content: center; border: 1px solid var(--ed-line); border-radius: 4px;
  background: #fafafa; margin: 0 auto 4px auto; font-weight: 700; color: var(--ed-red); }}
.widget-button.mod-primary, .jupyter-button.mod-primary {{ background: var(--ed-blue); }}
.jupyter-button {{ border-radius: 5px; }}
.ed-pager {{ align-items: center; gap: 8px; }}
.ed-card .widget-hbox {{ gap: 8px; }}
.ed-log {{ font-size: 13px; }}
.ed-log li {{ margin-bottom: 3px; }}
"""


def style_sheet() -> widgets.HTML:
    """The style sheet as a widget; every page shows it first."""
    return widgets.HTML(f"<style>{CSS}</style>", layout=widgets.Layout(display="none"))


def esc(value: object) -> str:
    """Text for innerHTML: ``widgets.HTML`` renders markup, so every value is escaped."""
    return html.escape("" if value is None else str(value))


def badge(state: str, text: str) -> str:
    return f'<span class="ed-state ed-state-{esc(state)}">{esc(text)}</span>'
