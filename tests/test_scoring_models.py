"""Training, the model card and its gates, activation by an admin only when the new model
beats the active one, scores that say which model made them, and labels from the ledger."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.services.credit import scoring_models
from app.services.credit.credit_history import credit_history
from app.services.credit.readiness import readiness
from app.services.lending import loans, savings
from app.services.shared.errors import Conflict, Forbidden
from app.services.shared.principal import Principal
from models import Role
from models.schedule import Frequency, LoanTerms, Method, RateBasis
from scoring.features import FEATURE_NAMES
from scoring.synthetic import synthetic_members
from tests.factories import ADMIN, make_federation, transfer

LATER = date(2030, 1, 1)
GROUPS = ("district", "social_category")


@pytest.fixture(scope="module")
def samples():
    return synthetic_members(8000, seed=21), synthetic_members(8000, seed=22, drift=0.1)


def test_a_model_is_stored_inactive_with_its_card(session, samples):
    train_rows, later = samples
    model = scoring_models.train(session, ADMIN, "v1", train_rows, later, GROUPS)
    card = model.card
    assert not model.active
    assert card["auc"] >= 0.75 and card["ks"] >= 0.25
    assert 0.8 <= card["calibration_slope"] <= 1.2
    assert card["gate_failures"] == [] and card["compared_with"] is None
    assert set(card["score_distribution"]) == {"district", "social_category"}
    assert card["adverse_impact_ratio"] >= 0.8
    assert "social_category" not in card["kept"]  # a check, never an input


def test_activation_needs_an_admin_and_a_better_model(session, samples):
    train_rows, later = samples
    scoring_models.train(session, ADMIN, "v1", train_rows, later, GROUPS)
    with pytest.raises(Forbidden):
        scoring_models.activate(session, Principal(Role.AUDITOR, "a", scope_path="/1/"), "v1")
    scoring_models.activate(session, ADMIN, "v1")
    # Noise in place of outcomes cannot beat it, and fails its own gates.
    noisy = train_rows.assign(bad=train_rows["bad"].sample(frac=1, random_state=1).to_numpy())
    worse = scoring_models.train(session, ADMIN, "v2", noisy, later, GROUPS)
    assert worse.card["compared_with"]["version"] == "v1"
    assert worse.card["psi"] is not None
    with pytest.raises(Conflict):
        scoring_models.activate(session, ADMIN, "v2")
    assert [m.version for m in scoring_models.models(session) if m.active] == ["v1"]


def test_scores_name_the_active_model(session, samples):
    train_rows, later = samples
    fed = make_federation(session, members_count=1)
    member = fed.members[0]
    for month in range(1, 13):
        day = date(2025, month, 5)
        savings.deposit(session, ADMIN, savings.SavingsMovement(member.id, 100_00, day), LATER)
    history = credit_history(session, member, date(2025, 12, 31))
    assert readiness(session, history, "t").model == "expert-scorecard-1"
    scoring_models.train(session, ADMIN, "v1", train_rows, later, GROUPS)
    scoring_models.activate(session, ADMIN, "v1")
    scored = readiness(session, history, "t")
    assert scored.model == "v1" and 300 <= scored.score <= 900


def test_labels_come_from_the_ledger(session):
    """Two members lent ₹6,000 on 1 February 2025: one repays every month, the other
    stops after one instalment and is 90+ days past due by July."""
    fed = make_federation(session, members_count=2)
    book = fed.book_id(session, fed.shg)
    cash = fed.account(session, fed.shg, "cash").id
    transfer(
        session,
        book,
        cash,
        fed.account(session, fed.shg, "revolving_fund").id,
        20_000_00,
        date(2025, 1, 1),
    )
    terms = LoanTerms(6_000_00, 0, RateBasis.PER_MONTH, Method.FLAT, 6, Frequency.MONTHLY)
    good, bad = fed.members
    for member in (good, bad):
        savings.deposit(
            session, ADMIN, savings.SavingsMovement(member.id, 100_00, date(2025, 1, 5)), LATER
        )
        loan = loans.disburse_loan(
            session, ADMIN, loans.NewLoan(member.id, terms, date(2025, 2, 1)), LATER
        )
        months = 6 if member is good else 1
        for k in range(months):
            day = date(2025, 3, 1) + timedelta(days=31 * k)
            loans.repay_loan(session, ADMIN, loan.id, 1_000_00, day.replace(day=1), today=LATER)
    rows = scoring_models.labelled_rows(session, date(2025, 2, 28))
    assert rows["bad"].tolist() == [0, 1]
    assert rows["district"].tolist() == [fed.district.name] * 2


def test_admins_read_cards_and_activate_over_http(session, client, samples):
    from tests.factories import ApiCaller, token

    train_rows, later = samples
    scoring_models.train(session, ADMIN, "v1", train_rows, later, GROUPS)
    admin = ApiCaller(client, token(session, Role.ADMIN))
    listed = admin.get("/api/v1/scoring/models").json["items"]
    assert [(m["version"], m["active"]) for m in listed] == [("v1", False)]
    assert listed[0]["card"]["gate_failures"] == []
    activated = admin.post("/api/v1/scoring/models/v1/activate")
    assert activated.status_code == 200 and activated.json["active"] is True
    fed = make_federation(session, members_count=1)
    auditor = ApiCaller(client, token(session, Role.AUDITOR, fed.district))
    assert auditor.get("/api/v1/scoring/models").status_code == 403
    assert auditor.post("/api/v1/scoring/models/v1/activate").status_code == 403


def test_a_model_trained_on_a_synthetic_ledger_finds_the_planted_behaviour(session):
    """A federation recorded meeting by meeting (app/synthetic.py); labels and
    characteristics come from its books. Trained on members as they stood in September 2024,
    validated on December 2024."""
    from app.synthetic import generate

    generate(session, shgs=8, per_shg=12, months=24, seed=7)
    train_rows = scoring_models.labelled_rows(session, date(2024, 9, 30))
    later = scoring_models.labelled_rows(session, date(2024, 12, 31))
    assert len(train_rows) == len(later) == 96
    assert 0.05 < later["bad"].mean() < 0.3
    model = scoring_models.train(session, ADMIN, "ledger-1", train_rows, later, GROUPS)
    assert model.card["auc"] >= 0.75
    assert set(model.card["score_distribution"]["social_category"]) == {
        "SC",
        "ST",
        "OBC",
        "General",
    }
    assert set(model.card["kept"]) <= set(FEATURE_NAMES)  # never district or category


def test_a_group_too_small_to_judge_does_not_stop_activation(session, samples):
    """Twelve members of a social category of their own, every one with a poor record: none
    scores 600. Twelve members are too few to judge adverse impact, so the card says so and
    the gate neither passes nor fails on them (judged, their ratio of 0 failed it)."""
    train_rows, later = samples
    tiny = later.index[:12]
    later = later.copy()
    later.loc[tiny, "social_category"] = "tiny"
    later.loc[tiny, ["on_time_share", "savings_regularity", "attendance_share"]] = 0.05
    later.loc[tiny, "worst_days_past_due"] = 200.0
    model = scoring_models.train(session, ADMIN, "v1", train_rows, later, GROUPS)
    card = model.card
    assert card["score_distribution"]["social_category"]["tiny"]["approved"] == 0.0
    assert card["adverse_impact_too_small"]["social_category"] == {
        "tiny": "too small to judge: 12 members, 0 approved (at least 30 members and 5 approvals)"
    }
    assert "tiny" not in card["adverse_impact"]["social_category"]
    assert card["adverse_impact_minimum"] == {"members": 30, "approvals": 5}
    assert card["gate_failures"] == [] and card["gates_not_judged"] == []
    assert scoring_models.activate(session, ADMIN, "v1").active
