"""Idle funds: each rule on figures worked by hand, an episode across runs, closing and
reopening, the auditor's workflow and scope, and failures kept on the run.

The rules are the ones migration 0006 seeds (models/idle_rules.json), as a new installation
has them: clf-cif-90d flags at least ₹5,00,000 of CIF with no on-lending for 90 days.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.services.audit import audit_runs, idle_flags, idle_rules
from app.services.audit.audit_runs import RunRequest, run_report
from app.services.audit.idle_flags import FlagFilter
from app.services.shared.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.shared.principal import Principal
from models import Role
from models.idle import IdleFlag, IdleObservation, IdleRule
from tests.factories import ADMIN, make_federation
from tests.test_capital import give, graded, lend


def run(session, as_of: date, scope: str = "/"):
    return run_report(session, ADMIN, RunRequest("on_demand", as_of, scope))


def flags_of(session, code: str) -> list[IdleFlag]:
    rule = session.scalar(select(IdleRule).where(IdleRule.code == code))
    return list(
        session.scalars(select(IdleFlag).where(IdleFlag.rule_id == rule.id).order_by(IdleFlag.id))
    )


@pytest.fixture
def fed(session):
    """A CLF given ₹10,00,000 of CIF on 1 January 2026, into its bank account."""
    fed = make_federation(session)
    give(session, None, "cif_corpus", fed.clf, 10_00_000, date(2026, 1, 1))
    return fed


def test_no_outflow_rule_flags_only_after_its_days(session, fed):
    early = run(session, date(2026, 3, 31))  # 89 days
    assert early.status == "succeeded", early.error
    assert early.flags_opened == 0
    assert flags_of(session, "clf-cif-90d") == []

    later = run(session, date(2026, 4, 1))  # 90 days
    [flag] = flags_of(session, "clf-cif-90d")
    # And the CIF utilisation rule: nothing lent on 1 April, nor on 1 January.
    assert later.flags_opened == 2 and len(flags_of(session, "clf-cif-below-60")) == 1
    assert (flag.institution_id, flag.fund, flag.balance_paise) == (fed.clf.id, "cif", 10**8)
    assert (flag.days_idle, flag.idle_since, flag.last_outflow_on) == (90, date(2026, 1, 1), None)
    assert flag.reason == (
        "CIF balance of ₹10,00,000.00 has not moved for 90 days, since it was received on"
        " 01-01-2026, never lent or disbursed (rule clf-cif-90d: at least ₹5,00,000.00 with no"
        " on-lending or disbursement for 90 days, outflows under 5.00% of the balance not"
        " counting)."
    )
    # Own funds: the bank balance is the CIF's, so nothing of the CLF's own lies idle.
    assert flags_of(session, "clf-own-90d") == []


def test_an_episode_stays_one_flag_then_closes_and_a_new_one_opens(session, fed):
    first = run(session, date(2026, 4, 15))
    second = run(session, date(2026, 5, 1))
    [flag] = flags_of(session, "clf-cif-90d")
    # This episode and the CIF utilisation rule's (nothing lent) both continue.
    assert (second.flags_opened, second.flags_continued) == (0, 2)
    assert (flag.days_idle, flag.first_seen_on, flag.last_seen_on) == (
        120,
        date(2026, 4, 15),
        date(2026, 5, 1),
    )
    seen = session.scalars(
        select(IdleObservation.days_idle)
        .where(IdleObservation.flag_id == flag.id)
        .order_by(IdleObservation.run_id)
    ).all()
    assert seen == [104, 120]

    # ₹6,00,000 lent to the VO leaves ₹4,00,000: under the threshold, so the episode ends;
    # and 60% of the CIF is out on loan, which ends the utilisation episode.
    lend(session, "cif", fed.clf, fed.vo, 6_00_000, 12, date(2026, 5, 10))
    third = run(session, date(2026, 5, 15))
    session.refresh(flag)
    assert third.flags_closed == 2
    assert (flag.closed_run_id, flag.closed_on) == (third.id, date(2026, 5, 15))
    assert flag.opened_run_id == first.id

    # More CIF arrives and sits: a new episode, a new flag, counted from the last on-lending.
    give(session, None, "cif_corpus", fed.clf, 5_00_000, date(2026, 6, 1))
    run(session, date(2026, 8, 20))
    old, new = flags_of(session, "clf-cif-90d")
    assert old.id == flag.id and old.closed_on == date(2026, 5, 15)
    assert (new.balance_paise, new.days_idle, new.last_outflow_on) == (
        9 * 10**7,
        102,
        date(2026, 5, 10),
    )
    # The VO has held the ₹6,00,000 it drew since 10 May: its own CIF rule fires too.
    [vo_flag] = flags_of(session, "vo-cif-90d")
    assert (vo_flag.institution_id, vo_flag.balance_paise, vo_flag.days_idle) == (
        fed.vo.id,
        6 * 10**7,
        102,
    )


def test_low_utilisation_needs_both_the_run_date_and_n_days_before(session, fed):
    give(session, None, "vrf_corpus", fed.vo, 1_00_000, date(2026, 1, 1))
    lend(session, "vrf", fed.vo, fed.shg, 30_000, 0, date(2026, 1, 10))
    # 90 days before 5 April is 5 January: ₹1,00,000 held and nothing lent, 0.00%.
    run(session, date(2026, 4, 5))
    [flag] = flags_of(session, "vo-vrf-below-60")
    assert flag.utilisation_bp == 3000  # 30,000 / (30,000 + 70,000)
    assert flag.reason.startswith(
        "VRF utilisation is 30.00% on 05-04-2026 and was 0.00% on 05-01-2026;"
        " ₹70,000.00 is held unused"
    )
    # More lent (₹50,000 more: 80% used): the low-utilisation episode ends.
    lend(session, "vrf", fed.vo, fed.shg, 50_000, 0, date(2026, 4, 10))
    closing = run(session, date(2026, 4, 12))
    session.refresh(flag)
    assert flag.closed_run_id == closing.id


def test_a_scoped_run_touches_only_its_scope(session, fed):
    other = make_federation(session, state_code="OD")
    give(session, None, "cif_corpus", other.clf, 10_00_000, date(2026, 1, 1))
    run(session, date(2026, 4, 15))
    assert len(flags_of(session, "clf-cif-90d")) == 2
    # A run over Odisha alone after Jharkhand's CLF lent its CIF must not close Jharkhand's.
    lend(session, "cif", fed.clf, fed.vo, 9_00_000, 12, date(2026, 4, 20))
    scoped = run(session, date(2026, 4, 25), other.state.path)
    # Odisha's CLF: its no-outflow and its CIF utilisation episodes go on.
    assert (scoped.flags_continued, scoped.flags_closed) == (2, 0)
    assert all(f.closed_run_id is None for f in flags_of(session, "clf-cif-90d"))


def test_a_failing_run_is_kept_as_failed_with_nothing_half_done(session, fed, monkeypatch):
    def broken(*_args, **_kw):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(audit_runs, "find_idle", broken)
    failed = run(session, date(2026, 4, 15))
    assert (failed.status, failed.error) == ("failed", "RuntimeError: the database went away")
    assert failed.finished_at is not None and failed.duration_ms is not None
    assert session.scalars(select(IdleFlag)).all() == []


def test_runs_record_their_parameters(session, fed):
    done = run(session, date(2026, 4, 15))
    codes = [r["code"] for r in done.parameters["rules"]]
    assert "clf-cif-90d" in codes and done.parameters["as_of"] == "2026-04-15"
    assert done.funds_scanned >= 2  # the CLF's CIF and its own funds at least


def test_workflow_moves_with_notes_and_never_backwards_from_resolved(session, fed):
    run(session, date(2026, 4, 15))
    [flag] = flags_of(session, "clf-cif-90d")
    auditor = Principal(Role.AUDITOR, "auditor", scope_path=fed.district.path)
    bookkeeper = Principal(Role.BOOKKEEPER, "bookkeeper", scope_path=fed.clf.path)
    with pytest.raises(Invalid) as refused:
        idle_flags.move(session, bookkeeper, flag.id, "explained", None)
    assert refused.value.problems[0].field == "note"
    idle_flags.move(session, auditor, flag.id, "acknowledged", None)
    with pytest.raises(Forbidden):
        idle_flags.move(session, bookkeeper, flag.id, "resolved", "done")
    idle_flags.move(session, bookkeeper, flag.id, "explained", "kept for the CIF round in May")
    detail = idle_flags.move(session, auditor, flag.id, "resolved", "lent on 10 May")
    assert [(e.event, e.from_status, e.to_status, e.by) for e in detail.events] == [
        ("opened", None, "open", ADMIN.label),
        ("acknowledged", "open", "acknowledged", "auditor"),
        ("explained", "acknowledged", "explained", "bookkeeper"),
        ("resolved", "explained", "resolved", "auditor"),
    ]
    with pytest.raises(Conflict):
        idle_flags.move(session, auditor, flag.id, "escalated", "again")


def test_scope_decides_who_sees_a_flag(session, fed):
    run(session, date(2026, 4, 15))
    [flag] = flags_of(session, "clf-cif-90d")
    elsewhere = make_federation(session, state_code="OD")
    outsider = Principal(Role.AUDITOR, "outsider", scope_path=elsewhere.district.path)
    bank = Principal(Role.BANK_PARTNER, "bank", bank_id=1)
    state_auditor = Principal(Role.AUDITOR, "state", scope_path=fed.state.path)
    assert idle_flags.flags(session, outsider, FlagFilter(), None, 50).items == []
    with pytest.raises(NotFound):
        idle_flags.detail(session, outsider, flag.id)
    with pytest.raises(Forbidden):
        idle_flags.flags(session, bank, FlagFilter(), None, 50)
    mine = idle_flags.flags(session, state_auditor, FlagFilter(fund="cif", status="open"), None, 50)
    [utilisation] = flags_of(session, "clf-cif-below-60")
    assert sorted(f.id for f in mine.items) == sorted([flag.id, utilisation.id])
    assert (
        idle_flags.flags(session, state_auditor, FlagFilter(min_days_idle=105), None, 50).items
        == []
    )
    with pytest.raises(NotFound):
        audit_runs.run_on_demand(session, outsider, date(2026, 4, 15), fed.clf.id)


def test_only_an_admin_edits_rules_and_bad_rules_are_named(session):
    auditor = Principal(Role.AUDITOR, "auditor", scope_path="/1/")
    rule = session.scalar(select(IdleRule).where(IdleRule.code == "clf-cif-90d"))
    with pytest.raises(Forbidden):
        idle_rules.update_rule(session, auditor, rule.id, idle_rules.RuleFields(days=30))
    changed = idle_rules.update_rule(session, ADMIN, rule.id, idle_rules.RuleFields(days=60))
    assert (changed.days, changed.updated_by) == (60, ADMIN.label)
    with pytest.raises(Invalid) as refused:
        idle_rules.create_rule(
            session,
            ADMIN,
            "vo-own-low",
            idle_rules.RuleFields("vo", "own", "low_utilisation", 0, 90, 5000),
        )
    assert [p.field for p in refused.value.problems] == ["fund"]


def test_own_funds_are_cash_and_bank_beyond_the_capital_funds_idle(session):
    from app.services.lending import savings

    fed = make_federation(session)
    for member in fed.members:
        savings.deposit(
            session,
            ADMIN,
            savings.SavingsMovement(member.id, 20_000_00, date(2026, 1, 5)),
            today=date(2030, 1, 1),
        )
    run(session, date(2026, 4, 4))  # 89 days since the first money in (the savings)
    assert flags_of(session, "shg-own-90d") == []
    graded(session, fed.shg, date(2026, 4, 1))
    give(session, None, "revolving_fund", fed.shg, 20_000, date(2026, 4, 6))
    run(session, date(2026, 4, 6))
    [flag] = flags_of(session, "shg-own-90d")
    # ₹20,000 RF in the bank (its own idle figure) + ₹60,000 savings in cash: ₹60,000 own.
    assert (flag.institution_id, flag.balance_paise, flag.days_idle) == (fed.shg.id, 60_000_00, 91)
    assert flag.idle_since == date(2026, 1, 5)


def test_a_clfs_cif_utilisation_is_judged_like_a_vos_vrf(session, fed):
    """₹10,00,000 of CIF from 1 January; ₹3,00,000 lent to the VO on 10 January. On 5 April
    ₹3,00,000 is out of ₹10,00,000: 30.00% (below 60%), and on 5 January (90 days before)
    nothing was lent: 0.00%. ₹7,00,000 is held unused."""
    lend(session, "cif", fed.clf, fed.vo, 3_00_000, 12, date(2026, 1, 10))
    run(session, date(2026, 4, 5))
    [flag] = flags_of(session, "clf-cif-below-60")
    assert (flag.institution_id, flag.utilisation_bp, flag.balance_paise) == (
        fed.clf.id,
        3000,
        7_00_000_00,
    )
    assert flag.reason.startswith(
        "CIF utilisation is 30.00% on 05-04-2026 and was 0.00% on 05-01-2026;"
        " ₹7,00,000.00 is held unused (rule clf-cif-below-60"
    )
    # ₹3,00,000 more lent: ₹6,00,000 of ₹10,00,000, 60%, ends the episode.
    lend(session, "cif", fed.clf, fed.vo, 3_00_000, 12, date(2026, 4, 10))
    closing = run(session, date(2026, 4, 15))
    session.refresh(flag)
    assert flag.closed_run_id == closing.id


def test_a_token_outflow_does_not_reset_the_idle_clock(session, fed):
    """clf-cif-90d counts outflows of at least 5% of the balance on the run date. ₹10,000
    lent on 1 March out of ₹10,00,000 leaves ₹9,90,000, of which 5% is ₹49,500: the loan is
    a token, and on 1 April the CIF has been idle 90 days, since 1 January."""
    lend(session, "cif", fed.clf, fed.vo, 10_000, 12, date(2026, 3, 1))
    run(session, date(2026, 4, 1))
    [flag] = flags_of(session, "clf-cif-90d")
    assert (flag.balance_paise, flag.days_idle, flag.idle_since, flag.last_outflow_on) == (
        9_90_000_00,
        90,
        date(2026, 1, 1),
        None,
    )
    assert flag.reason == (
        "CIF balance of ₹9,90,000.00 has not moved for 90 days, since it was received on"
        " 01-01-2026; smaller outflows since, under 5.00% of the balance, do not count:"
        " ₹10,000.00 on 01-03-2026 (rule clf-cif-90d: at least ₹5,00,000.00 with no"
        " on-lending or disbursement for 90 days, outflows under 5.00% of the balance not"
        " counting)."
    )


def test_a_real_outflow_resets_the_idle_clock(session, fed):
    """₹1,00,000 lent on 1 March leaves ₹9,00,000, of which 5% is ₹45,000: the loan counts,
    and on 1 April the CIF has been idle 31 days, under the rule's 90."""
    lend(session, "cif", fed.clf, fed.vo, 1_00_000, 12, date(2026, 3, 1))
    run(session, date(2026, 4, 1))
    assert flags_of(session, "clf-cif-90d") == []
    # On 30 May (90 days from 1 March) it is idle again, counted from that loan.
    run(session, date(2026, 5, 30))
    [flag] = flags_of(session, "clf-cif-90d")
    assert (flag.days_idle, flag.idle_since, flag.last_outflow_on) == (
        90,
        date(2026, 3, 1),
        date(2026, 3, 1),
    )


def test_a_token_share_of_zero_counts_every_outflow(session, fed):
    rule = session.scalar(select(IdleRule).where(IdleRule.code == "clf-cif-90d"))
    idle_rules.update_rule(session, ADMIN, rule.id, idle_rules.RuleFields(token_outflow_bp=0))
    lend(session, "cif", fed.clf, fed.vo, 10_000, 12, date(2026, 3, 1))
    run(session, date(2026, 4, 1))
    assert flags_of(session, "clf-cif-90d") == []
    with pytest.raises(Invalid) as refused:
        idle_rules.update_rule(
            session, ADMIN, rule.id, idle_rules.RuleFields(token_outflow_bp=10_001)
        )
    assert refused.value.problems[0].field == "token_outflow_percent"


def test_the_rules_file_is_what_the_migrations_seed(session):
    """models/idle_rules.json and the rules a new installation has (migrations 0006, 0020)
    agree, token shares included."""
    import json
    from decimal import Decimal
    from pathlib import Path

    rules = json.loads(Path("models/idle_rules.json").read_text())["rules"]
    seeded = {r.code: r for r in session.scalars(select(IdleRule))}
    for rule in rules:
        row = seeded[rule["code"]]
        utilisation = rule.get("max_utilisation_percent")
        assert (row.level, row.fund, row.kind, row.days) == (
            rule["level"],
            rule["fund"],
            rule["kind"],
            rule["days"],
        )
        assert row.min_balance_paise == int(Decimal(rule["min_balance"]) * 100)
        assert row.max_utilisation_bp == (
            None if utilisation is None else int(Decimal(utilisation) * 100)
        )
        assert row.token_outflow_bp == int(Decimal(rule.get("token_outflow_percent", "0")) * 100)
    assert set(seeded) == {r["code"] for r in rules}


def test_own_funds_small_expenses_and_cash_banked_do_not_reset_the_clock(session):
    """₹60,000 saved in cash on 5 January. On 1 March ₹500 of stationery (the balance on
    5 April is ₹59,500, 5% of it ₹2,975: a token); on 15 March ₹20,000 of cash taken to the
    bank (money moved between cash and bank, not out). On 5 April the SHG's own funds have
    been idle 90 days, since the first money in. (Counting every payment out of cash, the
    banking on 15 March reset the clock: 21 days, no flag.)"""
    from app.services.lending import cash_book, savings

    fed = make_federation(session)
    for member in fed.members:
        savings.deposit(
            session,
            ADMIN,
            savings.SavingsMovement(member.id, 20_000_00, date(2026, 1, 5)),
            today=date(2030, 1, 1),
        )
    line = cash_book.CashBookLine
    cash_book.expense(session, ADMIN, line(fed.shg.id, date(2026, 3, 1), 500_00), "stationery")
    cash_book.deposit_cash(session, ADMIN, line(fed.shg.id, date(2026, 3, 15), 20_000_00))
    run(session, date(2026, 4, 5))
    [flag] = flags_of(session, "shg-own-90d")
    assert (flag.balance_paise, flag.days_idle, flag.idle_since) == (
        59_500_00,
        90,
        date(2026, 1, 5),
    )
    assert "smaller outflows since, under 5.00% of the balance, do not count: ₹500.00 on" in (
        flag.reason
    )
