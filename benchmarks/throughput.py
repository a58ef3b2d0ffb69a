"""Workflow throughput: accepted case events per second, side by side with a bare write transaction.

Each event goes through the service the API's `POST /api/v1/cases/{id}/events` uses
(`sandbox.services.case_events.fire.apply_event`): permission check, guard, state machine, version claim
(`expected_version`), one hash-chained history row, deadline clock and notifications (in-app rows and
their e-mails as outbox rows: the e-mails are sent by the outbox worker, not here), then a commit —
in a fresh session, as a request has. Cases are built beforehand and then alternate between the two
events that can repeat forever: `request_amendment` (regulator) and `resubmit` (applicant).

The baseline, on the same database in the same run, is the least a write transaction can be: insert a
row into a plain table and update a counter row, then commit. The two are measured in alternating
rounds and the medians compared (goal: events/s ≥ 0.3 × bare transactions/s). A bare transaction's time
is mostly its commit's flush to disk, so the ratio depends on the disk as much as on the code; the CPU
columns show the code's own share. After the table, a note profiles events on each database
(`event_profile`): each step's share of an event, and its statements beside the bare transaction's.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, insert, update

from benchmarks import event_profile
from benchmarks.common import databases, machine_note, median, print_table
from sandbox import create_app
from sandbox.db import open_session, upgrade
from sandbox.models.accounts import Role, User
from sandbox.services.accounts import accounts
from sandbox.services.case_events.fire import apply_event
from sandbox.services.cases import cases
from sandbox.validators import uscc_check_character

GOAL = 0.3
LOOP = ("request_amendment", "resubmit")  # the two events the benchmark alternates
PROFILED_EVENTS = 300
PASSWORD = "benchmark password 2026"  # noqa: S105  (a throwaway database)
PLAN = {
    "objectives": "验证企业信用数据融合服务在真实业务中的合规性与效果。",
    "boundaries": {
        "data_subjects_cap": 50000,
        "data_volume_gb": 200,
        "processing_environment": "privacy_computing",
        "third_party_access": False,
    },
    "duration_months": 6,
    "risk_controls": "数据最小化、去标识化处理，访问日志留存六个月。",
    "exit_plan": "测试结束后三十日内删除测试数据。",
    "consumer_protection": "设立投诉渠道，七日内答复。",
}

bare_tables = MetaData()
bare_row = Table(
    "bench_bare_row", bare_tables,
    Column("id", Integer, primary_key=True), Column("case_id", Integer), Column("note", String(200)),
)  # fmt: skip
bare_counter = Table("bench_bare_counter", bare_tables, Column("id", Integer, primary_key=True),
                     Column("value", Integer, nullable=False))  # fmt: skip


@dataclass
class World:
    """The app, the two actors and the cases being driven round the amendment loop."""

    app: Flask
    engine: Engine
    applicant_id: int
    regulator_id: int
    versions: dict[int, int]
    step: int = 0
    profile: tuple[float, list[tuple[str, float]]] = (0.0, [])
    statements: dict[str, list[str]] = field(default_factory=dict)

    def fire_next(self) -> None:
        """Fire the next event of the loop, in its own session and transaction."""
        step, self.step = self.step, self.step + 1
        ids = list(self.versions)
        case_id = ids[(step // 2) % len(ids)]
        amend = self.next_event(step) == LOOP[0]
        with open_session(self.app) as session:
            actor = session.get(User, self.regulator_id if amend else self.applicant_id)
            assert actor is not None
            result = apply_event(
                session,
                actor=actor,
                case_id=case_id,
                event=self.next_event(step),
                note="请补充数据出境评估材料。" if amend else "已补充。",
                expected_version=self.versions[case_id],
            )
            session.commit()
            self.versions[case_id] = result.case.version

    def next_event(self, step: int | None = None) -> str:
        """The event the loop fires at `step` (default: the next one)."""
        return LOOP[(self.step if step is None else step) % 2]


def build_world(url: str, instance: Path, case_count: int) -> World:
    """Migrate the database at `url`, add the bare tables, an applicant, a regulator, submitted cases."""
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench",
                      "ARGON2_PROFILE": "CHEAPEST", "TESTING": True})  # fmt: skip
    engine = app.extensions["sandbox.engine"]
    upgrade(engine)
    bare_tables.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(bare_counter).values(id=1, value=0))
    with app.app_context(), open_session(app) as session:
        body = "91110302MA0000001"
        applicant = accounts.register_applicant(session, data={
            "email": "applicant@bench.example.cn", "password": PASSWORD, "display_name": "申请人",
            "enterprise": {
                "name": "北京亦庄基准测试科技有限公司", "uscc": body + uscc_check_character(body),
                "registered_address": "北京市北京经济技术开发区荣华中路10号", "in_zone": True,
                "legal_representative": "张三", "contact_name": "李四", "contact_phone": "010-67880000",
                "no_major_penalty": True, "no_criminal_record": True, "not_seriously_dishonest": True,
            },
        })  # fmt: skip
        admin = User(email="bench@localhost", password_hash="", display_name="bench", role=Role.ADMIN)
        regulator = accounts.create_user(session, actor=admin, data={
            "email": "regulator@bench.example.cn", "password": PASSWORD, "display_name": "监管员",
            "role": "regulator", "organisation_id": None,
        })  # fmt: skip
        session.commit()
        versions = {}
        for number in range(case_count):
            data = {"title": f"基准项目 {number + 1}", "sector": "general_data", "data_categories": ["数据"]}
            case = cases.create_case(session, actor=applicant, data=data)
            plan = {"plan": PLAN, "accept_commitment": True}
            cases.update_case(session, actor=applicant, case_id=case.id, data=plan, expected_version=None)  # type: ignore[arg-type]
            result = apply_event(session, actor=applicant, case_id=case.id, event="submit")  # type: ignore[arg-type]
            session.commit()
            versions[case.id] = result.case.version
    return World(app, engine, applicant.id, regulator.id, versions)  # type: ignore[arg-type]


def bare_transaction(engine: Engine, number: int) -> None:
    """Insert a row into a plain table and update a counter row, in one committed transaction."""
    with engine.begin() as connection:
        connection.execute(insert(bare_row).values(case_id=number % 50, note="已补充。"))
        counter = bare_counter.c
        connection.execute(update(bare_counter).where(counter.id == 1).values(value=counter.value + 1))


def _rate(action: object, *, seconds: float | None, count: int | None) -> tuple[float, int, float]:
    """Run `action(n)` until `seconds` pass or `count` calls are done.

    Returns calls per second, calls, and this process's CPU milliseconds per call.
    """
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while (count is None or done < count) and (seconds is None or time.perf_counter() - started < seconds):
        action(done)  # type: ignore[operator]
        done += 1
    elapsed = time.perf_counter() - started
    return done / elapsed, done, (time.process_time() - cpu) * 1000 / max(done, 1)


def measure(url: str, instance: Path, *, rounds: int = 5, seconds: float | None = 2.0,
            count: int | None = None, case_count: int = 50, profile: int = 0,
            name: str = "", notes: list[str] | None = None) -> dict[str, float]:  # fmt: skip
    """Alternate events and bare transactions for `rounds` rounds; return medians and totals.

    The ratio is taken per round (events/s over the same round's bare transactions/s), then the median.
    With `profile`, that many more events are profiled and the profile's note added to `notes`.
    """
    world = build_world(url, instance, case_count)
    runs: dict[str, list[tuple[float, int, float]]] = {"events": [], "bare": []}
    try:
        with world.app.app_context():
            for _ in range(rounds):
                runs["events"].append(_rate(lambda _n: world.fire_next(), seconds=seconds, count=count))
                runs["bare"].append(
                    _rate(lambda n: bare_transaction(world.engine, n), seconds=seconds, count=count)
                )
            if profile:
                world.profile = event_profile.profile_events(world.fire_next, profile)
                world.statements = {
                    world.next_event(): event_profile.statements(world.engine, world.fire_next) for _ in LOOP
                }
                world.statements["bare transaction"] = event_profile.statements(
                    world.engine, lambda: bare_transaction(world.engine, 0)
                )
    finally:
        world.engine.dispose()
    if profile and notes is not None:
        notes += event_profile.note(name, *world.profile, world.statements)
    figures: dict[str, float] = {
        "ratio": median([e[0] / b[0] for e, b in zip(runs["events"], runs["bare"], strict=True)])
    }
    for name, results in runs.items():
        figures[f"{name}_per_s"] = median([r[0] for r in results])
        figures[name] = sum(r[1] for r in results)
        figures[f"{name}_cpu_ms"] = median([r[2] for r in results])
    return figures


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    seconds = float(args[0]) if args else 2.0
    print("== workflow throughput (event with history chain and version check vs bare insert+update) ==")
    print(f"  ({machine_note()})")
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as folder, databases(Path(folder)) as backends:
        for name, url in backends:
            # Profiled on every database: the note shows what is left, goal met or not.
            f = measure(url, Path(folder) / f"instance-{name}", seconds=seconds, profile=PROFILED_EVENTS,
                        name=name, notes=notes)  # fmt: skip
            rows.append((name, f"{f['events_per_s']:.0f}", f"{f['bare_per_s']:.0f}", f"{f['ratio']:.2f}",
                         f"{f['events_cpu_ms']:.2f}", f"{f['bare_cpu_ms']:.2f}",
                         "ok" if f["ratio"] >= GOAL else "MISSED"))  # fmt: skip
    print_table(("database", "events/s", "bare tx/s", "ratio", "CPU ms/event", "CPU ms/bare tx",
                 f"goal ≥ {GOAL}"), rows)  # fmt: skip
    print(f"  (medians of 5 alternating rounds of {seconds:g} s; every event and bare transaction commits;")
    print("   CPU is this process's only: the database server's is not counted)")
    for line in notes:
        print(f"  {line}")


if __name__ == "__main__":
    main()
