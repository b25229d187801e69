"""Output and input serializers of the public API (DESIGN.md, "API").

Output serializers only ever receive objects from `disclosure.selectors`
(what is disclosed today); they never expose identity numbers (natural
persons get the masked form) nor the end or repair state of a record.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from disclosure import regions
from disclosure.models import CreditList, Listing, Record, Subject, SubjectType

MAX_CHECK_CODES = 1000


class SubjectRefSerializer(serializers.ModelSerializer):
    """A subject as referenced from a record, listing or event."""

    key = serializers.CharField(read_only=True, help_text="USCC, or an opaque key for subjects without one.")
    uscc = serializers.CharField(read_only=True, allow_null=True)
    identity_number_masked = serializers.SerializerMethodField()

    class Meta:
        model = Subject
        fields = ["key", "uscc", "name", "subject_type", "identity_number_masked"]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_identity_number_masked(self, subject: Subject) -> str | None:
        # DESIGN.md: only the first 6 and last 4 characters, persons only.
        if subject.subject_type != SubjectType.NATURAL_PERSON or not subject.identity_number:
            return None
        return subject.masked_identity_number


class RecordSerializer(serializers.ModelSerializer):
    subject = SubjectRefSerializer(read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    polarity = serializers.CharField(source="category.polarity", read_only=True)
    authority = serializers.CharField(source="authority.name", read_only=True)
    disclosure_until = serializers.DateField(
        read_only=True, allow_null=True, help_text="Last day of disclosure (inclusive); null: while valid."
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Record
        fields = [
            "id",
            "subject",
            "category",
            "category_name",
            "polarity",
            "severity",
            "document_no",
            "decided_on",
            "authority",
            "summary",
            "valid_until",
            "disclosure_until",
            "url",
        ]

    def get_url(self, record: Record) -> str:
        return f"{settings.SITE_URL}/records/{record.pk}/"


class ListingSerializer(serializers.ModelSerializer):
    subject = SubjectRefSerializer(read_only=True)
    code = serializers.CharField(source="credit_list.code", read_only=True, help_text="The list's code.")
    list_name = serializers.CharField(source="credit_list.name", read_only=True)
    authority = serializers.CharField(source="authority.name", read_only=True)

    class Meta:
        model = Listing
        fields = [
            "id",
            "subject",
            "code",
            "list_name",
            "entered_on",
            "reason",
            "authority",
            "document_no",
            "planned_exit_on",
        ]


class SubjectRecordSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        fields = [f for f in RecordSerializer.Meta.fields if f != "subject"]


class SubjectListingSerializer(ListingSerializer):
    class Meta(ListingSerializer.Meta):
        fields = [f for f in ListingSerializer.Meta.fields if f != "subject"]


class SubjectSummarySerializer(SubjectRefSerializer):
    region_code = serializers.CharField(read_only=True)
    region_name = serializers.SerializerMethodField()
    region_name_en = serializers.SerializerMethodField()
    negative_records = serializers.IntegerField(read_only=True, help_text="Negative records disclosed today.")
    positive_records = serializers.IntegerField(read_only=True, help_text="Positive records disclosed today.")
    current_lists = serializers.IntegerField(read_only=True, help_text="Lists the subject is on today.")
    url = serializers.SerializerMethodField()

    class Meta(SubjectRefSerializer.Meta):
        fields = [
            *SubjectRefSerializer.Meta.fields,
            "region_code",
            "region_name",
            "region_name_en",
            "negative_records",
            "positive_records",
            "current_lists",
            "url",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_region_name(self, subject: Subject) -> str | None:
        if not subject.region_code:
            return None
        return regions.full_name(subject.region_code) or None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_region_name_en(self, subject: Subject) -> str | None:
        """The region in pinyin ("Fuqing Shi, Fuzhou, Fujian"): the API does not
        change with the page language, so both forms are given."""
        if not subject.region_code:
            return None
        return regions.full_name_en(subject.region_code) or None

    def get_url(self, subject: Subject) -> str:
        return f"{settings.SITE_URL}/subjects/{subject.key}/"


class SubjectDetailSerializer(SubjectSummarySerializer):
    records = SubjectRecordSerializer(
        source="disclosed_records",
        many=True,
        read_only=True,
        help_text="Disclosed records, grouped by category, newest first: the first 100 (see records_count).",
    )
    records_count = serializers.IntegerField(read_only=True, help_text="All records disclosed today.")
    records_next = serializers.SerializerMethodField(
        help_text="When records_count exceeds the records given: every disclosed record of the subject, "
        "cursor-paginated (/api/v1/records/?uscc=). Null otherwise."
    )
    listings = SubjectListingSerializer(
        source="current_listings",
        many=True,
        read_only=True,
        help_text="Current listings, grouped by list, newest first: the first 100 (see listings_count).",
    )
    listings_count = serializers.IntegerField(read_only=True, help_text="All current listings.")
    listings_next = serializers.SerializerMethodField(
        help_text="When listings_count exceeds the listings given: every current listing of the subject, "
        "cursor-paginated. Null otherwise."
    )

    class Meta(SubjectSummarySerializer.Meta):
        fields = [
            *SubjectSummarySerializer.Meta.fields,
            "records",
            "records_count",
            "records_next",
            "listings",
            "listings_count",
            "listings_next",
        ]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_records_next(self, subject: Subject) -> str | None:
        if subject.records_count <= len(subject.disclosed_records) or not subject.uscc:
            return None
        return f"{settings.SITE_URL}{reverse('api:records')}?{urlencode({'uscc': subject.uscc})}"

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_listings_next(self, subject: Subject) -> str | None:
        if subject.listings_count <= len(subject.current_listings):
            return None
        return f"{settings.SITE_URL}{reverse('api:subject-listings', args=[subject.key])}"


class CreditListSerializer(serializers.ModelSerializer):
    entries = serializers.IntegerField(read_only=True, help_text="Subjects on the list today.")

    class Meta:
        model = CreditList
        fields = ["code", "name", "name_en", "polarity", "legal_basis", "exit_rules", "entries"]


class StrictCharField(serializers.CharField):
    """Text only: DRF's CharField would also take 0 or true and turn them into text."""

    default_error_messages = {"invalid": _("Not a string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CheckRequestSerializer(serializers.Serializer):
    codes = serializers.ListField(
        child=StrictCharField(allow_blank=True, trim_whitespace=False, max_length=100),
        allow_empty=False,
        min_length=1,
        max_length=MAX_CHECK_CODES,
        help_text="Up to 1,000 unified social credit codes. Spaces, full-width characters and lower case are "
        "normalised; duplicates are answered once each.",
        error_messages={
            "empty": _("Give at least one code."),
            "max_length": _("At most {max_length} codes per request."),
        },
    )


class CheckResultSerializer(serializers.Serializer):
    input = serializers.CharField(help_text="The code as sent.")
    code = serializers.CharField(allow_null=True, help_text="The normalised code; null when invalid.")
    status = serializers.ChoiceField(
        choices=["invalid", "unknown", "clean", "negative"],
        help_text="invalid: bad format or check character; unknown: no such subject; clean: nothing negative "
        "disclosed and on no negative list; negative: negative records disclosed or on a negative list.",
    )
    reason = serializers.CharField(allow_null=True, help_text="Why the code is invalid.")
    duplicate = serializers.BooleanField(help_text="The same normalised code appeared earlier in the request.")
    subject = SubjectRefSerializer(allow_null=True)
    negative_records = serializers.IntegerField(allow_null=True)
    categories = serializers.ListField(child=serializers.CharField(), help_text="Catalogue codes of those records.")
    lists = serializers.ListField(child=serializers.CharField(), help_text="Codes of the lists the subject is on.")


class CheckResponseSerializer(serializers.Serializer):
    checked_on = serializers.DateField()
    results = CheckResultSerializer(many=True)


class ChangeSerializer(serializers.Serializer):
    cursor = serializers.CharField(help_text="Resume after this event.")
    id = serializers.IntegerField(source="event.pk")
    type = serializers.ChoiceField(source="kind", choices=["record", "listing"])
    object_id = serializers.IntegerField()
    source = serializers.CharField(
        help_text="Source department of the record or listing (its identity with source_id)."
    )
    source_id = serializers.CharField(help_text="Its id within the source: what to delete when it has ended.")
    subject = SubjectRefSerializer(source="event.subject")
    action = serializers.ChoiceField(choices=["disclosed", "changed", "ended"])
    reason = serializers.CharField(
        help_text=(
            "For ended: expired, repaired, revoked, corrected, court_decision, shielded; for disclosed: restored "
            "(a repair revoked for fraud, a restructuring that failed) or empty; for changed: corrected or empty."
        )
    )
    effective_on = serializers.DateField(source="event.effective_on")
    occurred_at = serializers.DateTimeField(source="event.created_at")
    disclosed = serializers.BooleanField(help_text="Whether the record or listing is disclosed now.")
    record = RecordSerializer(allow_null=True, help_text="Current content, when a disclosed record.")
    listing = ListingSerializer(allow_null=True, help_text="Current content, when a current listing.")


class ChangePageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(help_text="Poll again with this cursor.")
    has_more = serializers.BooleanField(help_text="More events are ready: poll again at once.")


class ErrorSerializer(serializers.Serializer):
    """The one error format of the API."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="A list of messages per field (for the body, query or header).",
    )


class WebhookCreateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500)


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.URLField(read_only=True)
    active = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: verifies X-Signature (HMAC-SHA256).")
