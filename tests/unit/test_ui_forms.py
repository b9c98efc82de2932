"""Forms from the domain's field declarations: every bad field named at once, beside it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from eightd.domain import ContainmentAction, Intake
from eightd.ui.forms import DataclassForm, FormErrors
from eightd.ui.serve import APP_NOTEBOOKS, ServeOptions, notebooks_dir, voila_command

TZ = ZoneInfo("Asia/Shanghai")


def test_a_form_names_every_bad_field_at_once_and_builds_nothing() -> None:
    form = DataclassForm(
        Intake,
        ("received_at", "customer_name", "lot_size", "defect_count", "ship_date"),
        lang="en",
        tz=TZ,
        required=("ship_date",),
    )
    form.fields["received_at"].input.value = "yesterday"
    form.fields["lot_size"].input.value = "0"
    form.fields["defect_count"].input.value = "many"
    with pytest.raises(FormErrors) as refused:
        form.read(cross_check=False)
    assert set(refused.value.errors) == {
        "received_at",
        "customer_name",
        "lot_size",
        "defect_count",
        "ship_date",
    }
    assert "whole number" in form.fields["defect_count"].error.value
    assert "required" in form.fields["customer_name"].error.value
    assert "1" in form.fields["lot_size"].error.value


def test_a_rule_spanning_fields_is_shown_beside_the_field_it_names() -> None:
    form = DataclassForm(
        ContainmentAction, ("description", "quantity_checked", "quantity_bad"), lang="zh", tz=TZ
    )
    form.fields["description"].input.value = "复检成品库存"
    form.fields["quantity_checked"].input.value = "10"
    form.fields["quantity_bad"].input.value = "12"
    with pytest.raises(FormErrors) as refused:
        form.read(ContainmentAction(id="K1"))
    assert list(refused.value.errors) == ["quantity_bad"]
    assert form.fields["quantity_bad"].error.value
    form.fields["quantity_bad"].input.value = "3"
    item = form.read(ContainmentAction(id="K1"))
    assert (item.id, item.quantity_checked, item.quantity_bad) == ("K1", 10, 3)
    assert form.fields["quantity_bad"].error.value == ""


def test_local_times_typed_in_a_form_are_in_the_policy_time_zone() -> None:
    form = DataclassForm(Intake, ("received_at",), lang="en", tz=TZ)
    form.fields["received_at"].input.value = "2026-11-20 09:30"
    assert form.values()["received_at"].isoformat() == "2026-11-20T09:30:00+08:00"


def test_serve_binds_to_this_machine_preheats_culls_and_serves_only_the_app_notebooks() -> None:
    command = voila_command(ServeOptions(port=9999, pool_size=2, cull_idle_seconds=600))
    assert "--Voila.ip=127.0.0.1" in command and "--port=9999" in command
    assert "--preheat_kernel=True" in command and "--pool_size=2" in command
    assert "--MappingKernelManager.cull_idle_timeout=600" in command
    assert "--KernelManager.transport=ipc" in command  # no kernel port on TCP
    assert "--VoilaConfiguration.show_tracebacks=False" in command
    assert str(notebooks_dir()) in command
    assert "--VoilaConfiguration.extension_denylist=jupyterlab_pygments" in command
    assert "--VoilaConfiguration.file_allowlist=.^" in command
    # the workbench's pages are preheated, another notebook of the folder is not
    denied = [a for a in command if a.startswith("--VoilaKernelManager.preheat_denylist=")]
    assert denied == ['--VoilaKernelManager.preheat_denylist=[".*/dashboard\\\\.ipynb$"]']
    plain = voila_command(ServeOptions(preheat=False))
    assert not any("preheat" in arg for arg in plain)
    notebooks = sorted(p.name for p in notebooks_dir().glob("*.ipynb"))
    assert set(APP_NOTEBOOKS) <= set(notebooks)
