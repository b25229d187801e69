"""The scale data set: a deterministic stream of subjects, records, listings.

The content of every row comes from the demo's planner
(`disclosure.demo._Planner`: names, codes, authorities, document numbers,
summaries, repairs, list exits), so the demo and the benchmark share one
generator. What this module changes is the scale and the order:

- places are drawn uniformly over the ~2,800 county-level divisions (the
  demo puts 15 % of its subjects in Fuqing), so that a place such as 福清 is
  a rare fragment at 2 million names (a few hundred hits) while the trade
  words (科技, 贸易) and the legal forms (有限公司) are common ones;
- decisions spread over six years before the reference date, a few after it;
- records and listings come month by month **in order of arrival**, as a
  department's daily imports would write them, so that a subject's records
  lie scattered over the table as in production (the bulk check and the
  subject page are measured against that layout, not a clustered one);
- a handful of "heavy" subjects get ~3,000 records each.

Work is split into independent units (a chunk of subjects, a month of
decisions), each with its own random stream seeded from (seed, unit), and
run in worker processes; the parent merges their output in unit order, so
the result is the same whatever the number of workers. Nothing here writes
to the database: `bench/build_dataset.py` loads the rows with COPY.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connections
from django.db.models import Model

from disclosure import periods
from disclosure.demo import (
    _CATEGORY_WEIGHTS,
    _DEPARTMENTS,
    _INDUSTRIES,
    _SHOPS,
    Place,
    RecordContent,
    _county_codes,
    _Planner,
    _SubjectPlan,
    _weighted,
)
from disclosure.models import Authority, Category, CreditList, Listing, Record, Subject, SubjectFormerName, SubjectType
from disclosure.search import normalize_name

DEFAULT_SEED = 2026
YEARS = 6
HEAVY_SUBJECTS = 5
HEAVY_RECORDS = 3000
SOURCE = "bench-scale"
SUBJECT_CHUNK = 25_000
# Shares of subject types (enterprises are the rest).
TYPE_SHARES = (
    (SubjectType.INDIVIDUAL_BUSINESS, 0.15),
    (SubjectType.SOCIAL_ORG, 0.04),
    (SubjectType.PUBLIC_INSTITUTION, 0.04),
    (SubjectType.GOVERNMENT, 0.015),
    (SubjectType.NATURAL_PERSON, 0.015),
)
# List entries by list (the demo's rates give too few at this scale). A-level
# taxpayers are announced once a year in April: half of April's entries.
LIST_WEIGHTS = (
    ("abnormal_operation", 45),
    ("dishonest_judgment_debtor", 20),
    ("severe_dishonesty", 8),
    ("major_tax_violation", 5),
    ("procurement_violation", 4),
)
# Records per active subject: most have one or two (the demo's weights).
_ACTIVITY = (range(1, 13), (30, 22, 15, 10, 7, 5, 4, 3, 2, 1, 1, 1))
_CLEAN_SHARE = 0.35
_FUTURE_SHARE = 0.002
# Records the planner adds by itself per drawn record (a repair's commitment,
# a debtor's judgment), measured on this generator; the monthly draws are
# scaled by it so that the total comes close to the requested one.
_EXTRA_RATIO = 1.045
# Arrivals lag decisions by at most ~60 working days, and the planner moves
# annual list entries (abnormal operations: July) back by up to five months:
# a month of arrivals is complete once six later months have been planned.
_LAG_MONTHS = 6

_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value: Any) -> str:
    """One field in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPE)
    if isinstance(value, dict):
        if not value:
            return "{}"
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPE)
    if isinstance(value, dt.date):  # dates and (aware) datetimes
        return value.isoformat()
    return str(value)


def copy_columns(model: type[Model]) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def copy_line(obj: Model | LiteRecord, fields: Any = None, **overrides: Any) -> str:
    """The model's concrete fields (or `fields`) in column order, as one COPY
    text line (without the newline). Generic over the fields, so that a
    column added by a migration is written with the model's default."""
    values = [
        overrides[f.attname] if f.attname in overrides else getattr(obj, f.attname)
        for f in (fields or obj._meta.concrete_fields)
    ]
    return "\t".join(map(copy_value, values))


def month_starts(reference: dt.date, years: int = YEARS) -> list[dt.date]:
    """First days of the months from `years` before the reference to its month."""
    day = dt.date(reference.year - years, reference.month, 1)
    months = []
    while day <= reference:
        months.append(day)
        day = periods.add_months(day, 1)
    return months


def month_key(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def public_key_for(subject_id: int) -> str:
    """An opaque, unique key: a bijection of the id over 64 bits (odd
    multiplier), so no set of 2 million keys is needed to avoid duplicates."""
    return f"{(subject_id * 0x9E3779B97F4A7C15 + 0x5BD1E995) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


class ScalePlanner(_Planner):
    """The demo planner with the scale data set's places and dates."""

    def __init__(self, *, seed: str, reference: dt.date, categories: dict[str, Category], authority_ids: dict) -> None:
        super().__init__(seed=0, reference=reference, categories=categories)
        # A string seed: random.Random hashes it with SHA-512, the same on
        # every run and platform.
        self.rng = random.Random(seed)
        self.counties = _county_codes()
        self.authority_ids = authority_ids

    def place(self) -> Place:
        return _place(self.rng.choice(self.counties))

    def decision_in(self, month: dt.date) -> dt.date:
        """A working day of the month, before the reference date."""
        last = min(periods.add_months(month, 1) - dt.timedelta(days=1), self.reference - dt.timedelta(days=1))
        day = self.working_day(month + dt.timedelta(days=self.rng.randint(0, max(0, (last - month).days))))
        return max(day, month)

    def add_commitment_for_repair(self, plan: _SubjectPlan, repaired: Record, day: dt.date) -> None:
        # The planner builds this record as a model: it needs a real subject.
        if isinstance(plan.obj, SubjectInfo):
            plan = plan.obj.plan()
        super().add_commitment_for_repair(plan, repaired, day)

    def decision_date(self) -> dt.date:
        # Used by the planner for listings' own dates: anywhere in the span.
        return self.working_day(self.reference - dt.timedelta(days=self.rng.randint(1, YEARS * 365)))


_PLACES: dict[str, Place] = {}


def _place(code: str) -> Place:
    place = _PLACES.get(code)
    if place is None:
        place = _PLACES[code] = Place.of(code)
    return place


@dataclass(frozen=True, slots=True)
class SubjectInfo:
    """What records need to know of a subject (kept for all 2 million)."""

    pk: int
    subject_type: str
    uscc: str | None
    region_code: str
    licence_family: str

    def plan(self) -> _SubjectPlan:
        """With a model instance: for the planner's methods that build models."""
        obj = Subject(pk=self.pk, subject_type=self.subject_type, uscc=self.uscc, region_code=self.region_code)
        return _SubjectPlan(obj=obj, place=_place(self.region_code), licence_family=self.licence_family)

    def lite_plan(self) -> _SubjectPlan:
        """Without: record_content() only reads these attributes."""
        return _SubjectPlan(obj=self, place=_place(self.region_code), licence_family=self.licence_family)  # type: ignore[arg-type]

    @classmethod
    def of(cls, pk: int, subject_type: str, uscc: str | None, region_code: str, name: str) -> SubjectInfo:
        return cls(pk, subject_type, uscc, region_code, licence_family_of(name, uscc))


# Longest words first: 环保科技 before 科技.
_FAMILIES = sorted(_INDUSTRIES + _SHOPS, key=lambda item: -len(item[0]))


def licence_family_of(name: str, uscc: str | None) -> str:
    """The licence family the demo's planner gave a subject when naming it
    (disclosure.demo._Planner.build_name), read back from the name, so that
    subjects read from the database get the same one as freshly drawn ones."""
    kind = (uscc or "")[:2]
    if kind == "93":
        return "food"
    if kind == "52":
        return "school"
    if kind == "12":
        return "medical" if name.endswith(("医院", "保健院")) else ""
    if kind in ("91", "92"):
        for word, family in _FAMILIES:
            if word in name:
                return family
    return ""


@dataclass(slots=True)
class LiteRecord:
    """A record as the COPY line needs it: the attributes of Record's
    concrete fields (and those plan_record_end reads), without a model
    instance, which costs more than the rest of a record's drawing."""

    subject_id: int
    category: Category
    category_id: int
    severity: str
    document_no: str
    decided_on: dt.date
    authority: Authority
    summary: str
    valid_until: dt.date | None
    arrived_at: dt.datetime
    publishable: bool
    disclosure_until: dt.date | None
    repairable_from: dt.date | None
    id: None = None
    authority_id: int | None = None
    extra: dict | None = None
    source: str = ""
    source_id: str = ""
    import_run_id: int | None = None
    ended_on: dt.date | None = None
    end_reason: str = ""
    # Set only on the commitments a repair publishes (built by the planner as models).
    is_repair_commitment: bool = False
    disclosure_cap: dt.date | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @classmethod
    def of(cls, subject_id: int, content: RecordContent, arrived_at: dt.datetime) -> LiteRecord:
        publishable, until, repairable = _periods(
            content.category, content.severity, content.decided_on, content.valid_until
        )
        return cls(
            subject_id=subject_id,
            category=content.category,
            category_id=content.category.pk,
            severity=content.severity,
            document_no=content.document_no,
            decided_on=content.decided_on,
            authority=content.authority,
            summary=content.summary,
            valid_until=content.valid_until,
            arrived_at=arrived_at,
            publishable=publishable,
            disclosure_until=until,
            repairable_from=repairable,
            extra={},
        )


@lru_cache(maxsize=200_000)
def _periods(
    category: Category, severity: str, decided_on: dt.date, valid_until: dt.date | None
) -> tuple[bool, dt.date | None, dt.date | None]:
    # The one derivation (Category.periods_for); few distinct arguments.
    return category.periods_for(severity=severity, decided_on=decided_on, valid_until=valid_until)


_RECORD_FIELDS = Record._meta.concrete_fields


@dataclass
class SubjectChunk:
    lines: list[str]
    infos: list[SubjectInfo]
    identity_numbers: list[str | None]
    former: list[tuple[int, str, str, dt.datetime]]  # subject id, name, search name, replaced at


@dataclass
class Row:
    """A record or listing to write: its COPY line after the id, and what
    its events need."""

    kind: str  # "record" or "listing"
    sort_key: tuple[str, str]  # (arrived at, source id): the order of arrival
    line: str
    ended: tuple[dt.date, str] | None  # early end: (day, reason)
    expires: dt.date | None  # first day no longer disclosed, by the calendar


@dataclass
class MonthBatch:
    month: dt.date
    records: list[Row] = field(default_factory=list)
    listings: list[Row] = field(default_factory=list)


# The plan shared with forked workers (set by ScaleDataset before forking).
_STATE: ScaleDataset | None = None


class ScaleDataset:
    """Plans the data set. Use `subject_chunks()`, then `months()`."""

    def __init__(
        self,
        *,
        subjects: int,
        records: int,
        listings: int,
        reference: dt.date,
        seed: int = DEFAULT_SEED,
        jobs: int = 1,
        import_run_id: int | None = None,
        heavy: int = HEAVY_SUBJECTS,
        heavy_records: int = HEAVY_RECORDS,
    ) -> None:
        self.n_subjects, self.n_records, self.n_listings = subjects, records, listings
        self.reference, self.seed, self.jobs = reference, seed, jobs
        self.import_run_id = import_run_id
        self.rng = random.Random(f"{seed}:plan")
        self.heavy_count = min(heavy, subjects // 100)
        self.heavy_records = heavy_records
        self.categories = {c.code: c for c in Category.objects.order_by("code")}
        self.lists = {cl.code: cl for cl in CreditList.objects.order_by("code")}
        self.authorities = self._authority_registry()
        self.authority_ids = {a.name: a.pk for a in self.authorities}
        self.authority_by_name = {a.name: a for a in self.authorities}
        self.types = self._subject_types()
        self.infos: list[SubjectInfo] = []
        self.pool = array("i")  # subject indexes, each repeated by its activity
        self.persons = array("i")
        self.businesses = array("i")  # enterprises and individual businesses
        self.heavy: list[int] = []
        self.redrawn = 0

    # -- set-up

    def _authority_registry(self) -> list[Authority]:
        """Every authority the planner can name (department x place), with
        ids in name order: the same in every worker, whatever it draws."""
        planner = _Planner.__new__(_Planner)
        planner.authorities, planner.new_authorities = {}, []
        for code in _county_codes():
            for dept in _DEPARTMENTS:
                planner.authority(dept, _place(code))
        registry = sorted(planner.new_authorities, key=lambda a: a.name)
        for pk, authority in enumerate(registry, start=1):
            authority.pk = pk
        return registry

    def _subject_types(self) -> list[str]:
        types: list[str] = []
        for subject_type, share in TYPE_SHARES:
            types += [subject_type] * max(1, round(self.n_subjects * share))
        types += [SubjectType.ENTERPRISE] * (self.n_subjects - len(types))
        self.rng.shuffle(types)
        return types

    def planner(self, unit: str) -> ScalePlanner:
        planner = ScalePlanner(
            seed=f"{self.seed}:{unit}",
            reference=self.reference,
            categories=self.categories,
            authority_ids=self.authority_ids,
        )
        planner.lists = self.lists
        return planner

    def _map(self, function: Any, units: range) -> Iterator[Any]:
        """Results of function(unit) in unit order, from forked workers."""
        global _STATE
        if self.jobs <= 1:
            _STATE = self
            yield from map(function, units)
            return
        # Workers must not share the parent's database connections.
        connections.close_all()
        _STATE = self
        context = multiprocessing.get_context("fork")
        with context.Pool(self.jobs) as pool:
            yield from pool.imap(function, units)

    # -- subjects

    def subject_chunks(self) -> Iterator[SubjectChunk]:
        """Subjects with ids 1..N, in chunks, after de-duplicating codes."""
        usccs: set[str] = set()
        numbers: set[str] = set()
        chunks = range((self.n_subjects + SUBJECT_CHUNK - 1) // SUBJECT_CHUNK)
        for chunk in self._map(_subject_chunk, chunks):
            for i, info in enumerate(chunk.infos):
                number = chunk.identity_numbers[i]
                if (info.uscc and info.uscc in usccs) or (number and number in numbers):
                    # Codes drawn in different workers met (very rare): draw
                    # this subject again, deterministically, against every
                    # code taken so far (add_subject keeps them unique).
                    redo = self.planner(f"redo:{info.pk}")
                    redo.usccs, redo.identity_numbers = usccs, numbers
                    chunk.lines[i], info, number, _former = _subject_row(redo, info.pk, info.subject_type, former=False)
                    chunk.infos[i] = info
                    self.redrawn += 1
                if info.uscc:
                    usccs.add(info.uscc)
                if number:
                    numbers.add(number)
                self._register(info)
            yield chunk

    def existing_subjects(self, rows: Iterator[tuple[int, str, str | None, str, str]]) -> None:
        """Take the subjects of an interrupted build from the database
        (id, subject_type, uscc, region_code, name, in id order): the same
        infos and draws as when they were generated."""
        for row in rows:
            self._register(SubjectInfo.of(*row))

    def _register(self, info: SubjectInfo) -> None:
        index = len(self.infos)
        self.infos.append(info)
        if info.subject_type == SubjectType.NATURAL_PERSON:
            self.persons.append(index)
        elif info.subject_type in (SubjectType.ENTERPRISE, SubjectType.INDIVIDUAL_BUSINESS):
            self.businesses.append(index)
        rng = self.rng
        if info.subject_type == SubjectType.ENTERPRISE and len(self.heavy) < self.heavy_count and rng.random() < 0.01:
            self.heavy.append(index)
        elif info.subject_type == SubjectType.NATURAL_PERSON or rng.random() >= _CLEAN_SHARE:
            weight = rng.choices(_ACTIVITY[0], weights=_ACTIVITY[1])[0]
            self.pool.extend([index] * weight)

    # -- records and listings

    def month_plan(self) -> list[tuple[dt.date, int, int, int]]:
        """(month, records drawn, listings, records per heavy subject)."""
        months = month_starts(self.reference)
        heavy_each = self.heavy_records // len(months)
        drawn = max(0, self.n_records - heavy_each * len(self.heavy) * len(months)) / _EXTRA_RATIO
        plan, carry, carry_l = [], 0.0, 0.0
        for month in months:
            carry += drawn / len(months)
            carry_l += self.n_listings / len(months)
            plan.append((month, int(carry), int(carry_l), heavy_each))
            carry, carry_l = carry - int(carry), carry_l - int(carry_l)
        return plan

    def months(self) -> Iterator[MonthBatch]:
        """Batches of rows by month of arrival, in month order; rows within
        a batch in order of arrival."""
        self.plan = self.month_plan()
        pending: dict[int, MonthBatch] = {}
        for number, buckets in enumerate(self._map(_month_rows, range(len(self.plan)))):
            for key, (records, listings) in sorted(buckets.items()):
                batch = pending.get(key)
                if batch is None:
                    batch = pending[key] = MonthBatch(month=dt.date(key // 12, key % 12 + 1, 1))
                batch.records += records
                batch.listings += listings
            current = month_key(self.plan[number][0])
            for key in sorted(k for k in pending if k <= current - _LAG_MONTHS):
                yield _sorted(pending.pop(key))
        for key in sorted(pending):
            yield _sorted(pending.pop(key))


def _sorted(batch: MonthBatch) -> MonthBatch:
    batch.records.sort(key=lambda row: row.sort_key)
    batch.listings.sort(key=lambda row: row.sort_key)
    return batch


def _subject_row(
    planner: ScalePlanner, pk: int, subject_type: str, *, former: bool = True
) -> tuple[str, SubjectInfo, str | None, list[tuple[int, str, str, dt.datetime]]]:
    plan = planner.add_subject(subject_type=subject_type, place=planner.place())
    planner.subjects.clear()
    subject = plan.obj
    subject.pk, subject.public_key = pk, public_key_for(pk)
    formers = []
    if former and subject_type in (SubjectType.ENTERPRISE, SubjectType.SOCIAL_ORG) and planner.rng.random() < 0.07:
        planner.add_former_name(plan)
        if planner.rng.random() < 0.15:
            planner.add_former_name(plan)
        formers = [(pk, name, normalize_name(name), moment) for name, moment in plan.former]
    # Registered before anything was decided about it.
    registered = dt.datetime(planner.reference.year - YEARS - 4, 1, 1, 9, tzinfo=periods.BEIJING)
    registered += dt.timedelta(minutes=pk)
    line = copy_line(subject, created_at=registered, updated_at=registered)
    info = SubjectInfo.of(pk, subject_type, subject.uscc, subject.region_code, subject.name)
    return line, info, subject.identity_number, formers


def _subject_chunk(chunk: int) -> SubjectChunk:
    state = _STATE
    assert state is not None
    planner = state.planner(f"subjects:{chunk}")
    start = chunk * SUBJECT_CHUNK
    result = SubjectChunk(lines=[], infos=[], identity_numbers=[], former=[])
    for index in range(start, min(start + SUBJECT_CHUNK, state.n_subjects)):
        line, info, number, former = _subject_row(planner, index + 1, state.types[index])
        result.lines.append(line)
        result.infos.append(info)
        result.identity_numbers.append(number)
        result.former += former
    return result


def former_name_line(pk: int, subject_id: int, name: str, search_name: str, replaced_at: dt.datetime) -> str:
    row = SubjectFormerName(pk=pk, subject_id=subject_id, name=name, search_name=search_name, replaced_at=replaced_at)
    return copy_line(row)


def _month_rows(number: int) -> dict[int, tuple[list[Row], list[Row]]]:
    """One month of decisions, as rows bucketed by month of arrival."""
    state = _STATE
    assert state is not None
    month, count, count_l, heavy_each = state.plan[number]
    last = number == len(state.plan) - 1
    planner = state.planner(f"month:{month.isoformat()}")
    # The registry's instances: the planner then never builds an Authority.
    planner.authorities = state.authority_by_name
    rng = planner.rng
    buckets: dict[int, tuple[list[Row], list[Row]]] = {}
    serial = [0, 0]
    futures = int(count * _FUTURE_SHARE) if last else 0

    def record(info: SubjectInfo, decided_on: dt.date) -> None:
        weights = _CATEGORY_WEIGHTS[info.subject_type]
        category = weights[0][0] if len(weights) == 1 else _weighted(rng, weights)
        # The planner's add_record() step by step (same draws, same order),
        # with a LiteRecord where it builds a model.
        plan = info.lite_plan()
        content = planner.record_content(plan, category=category, decided_on=decided_on)
        record = LiteRecord.of(info.pk, content, planner.arrival(content.decided_on))
        planner.records.append(record)  # type: ignore[arg-type]
        planner.plan_record_end(plan, record, forced="")  # type: ignore[arg-type]
        _drain(state, planner, buckets, month, serial)

    for n in range(count):
        info = state.infos[state.pool[rng.randrange(len(state.pool))]]
        future = n < futures
        record(info, state.reference + dt.timedelta(days=rng.randint(1, 30)) if future else planner.decision_in(month))
    for index in state.heavy:
        for _ in range(heavy_each):
            record(state.infos[index], planner.decision_in(month))
    for _ in range(count_l):
        code = "a_level_taxpayer" if month.month == 4 and rng.random() < 0.5 else _weighted(rng, LIST_WEIGHTS)
        if code == "dishonest_judgment_debtor" and state.persons and rng.random() < 0.5:
            info = state.infos[state.persons[rng.randrange(len(state.persons))]]
        else:
            info = state.infos[state.businesses[rng.randrange(len(state.businesses))]]
        planner.add_listing(info.plan(), code=code, entered_on=planner.decision_in(month))
        _drain(state, planner, buckets, month, serial)
    return buckets


def _authority(state: ScaleDataset, obj: Record | Listing) -> None:
    obj.authority_id = state.authority_ids[obj.authority.name]


def _drain(
    state: ScaleDataset,
    planner: ScalePlanner,
    buckets: dict[int, tuple[list[Row], list[Row]]],
    month: dt.date,
    serial: list[int],
) -> None:
    """Turn what the planner produced into rows, bucketed by arrival."""
    reference, run_id = state.reference, state.import_run_id
    ends = {id(end.target): (end.on, end.reason) for end in planner.ends}
    planner.ends.clear()
    for record in planner.records:
        serial[0] += 1
        source_id = f"R{month:%Y%m}{serial[0]:07d}"
        _authority(state, record)
        ended = ends.get(id(record))
        if ended:
            record.ended_on, record.end_reason = ended
        until = record.disclosure_until
        expires = None
        if (
            record.publishable
            and until is not None
            and record.decided_on <= until < reference
            and (record.ended_on is None or record.ended_on > until)
        ):
            expires = until + dt.timedelta(days=1)
        line = copy_line(
            record,
            _RECORD_FIELDS,
            source=SOURCE,
            source_id=source_id,
            import_run_id=run_id,
            created_at=record.arrived_at,
            updated_at=_last_change(record.arrived_at, ended),
        )
        row = Row("record", (record.arrived_at.isoformat(), source_id), line.split("\t", 1)[1], ended, expires)
        _bucket(buckets, record.arrived_at)[0].append(row)
    planner.records.clear()
    for listing in planner.listings:
        serial[1] += 1
        source_id = f"L{month:%Y%m}{serial[1]:06d}"
        _authority(state, listing)
        ended = ends.get(id(listing))
        if ended:
            listing.exited_on, listing.exit_reason = ended
        planned = listing.planned_exit_on
        expires = None
        if planned is not None and planned <= reference and (listing.exited_on is None or listing.exited_on > planned):
            expires = planned
        line = copy_line(
            listing,
            source=SOURCE,
            source_id=source_id,
            import_run_id=run_id,
            created_at=listing.arrived_at,
            updated_at=_last_change(listing.arrived_at, ended),
        )
        row = Row("listing", (listing.arrived_at.isoformat(), source_id), line.split("\t", 1)[1], ended, expires)
        _bucket(buckets, listing.arrived_at)[1].append(row)
    planner.listings.clear()


def _last_change(arrived: dt.datetime, ended: tuple[dt.date, str] | None) -> dt.datetime:
    """updated_at: the early end (written at 10:00 that day) or the arrival."""
    if ended is None:
        return arrived
    return max(arrived, dt.datetime.combine(ended[0], dt.time(10), tzinfo=periods.BEIJING))


def _bucket(buckets: dict[int, tuple[list[Row], list[Row]]], arrived: dt.datetime) -> tuple[list[Row], list[Row]]:
    key = month_key(periods.beijing_date(arrived))
    bucket = buckets.get(key)
    if bucket is None:
        bucket = buckets[key] = ([], [])
    return bucket
