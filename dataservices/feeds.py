"""Atom feed per subject of its disclosure changes (Django syndication)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from dataservices.describe import describe_item
from disclosure import feed, selectors
from disclosure.models import Subject


class SubjectChangesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, key: str) -> Subject:
        subject = selectors.subject_public_get(key=key)
        if subject is None:
            raise Http404
        return subject

    def title(self, subject: Subject) -> str:
        return _("Disclosure changes: %(name)s") % {"name": subject.name}

    def link(self, subject: Subject) -> str:
        return f"/subjects/{subject.key}/"

    def subtitle(self, subject: Subject) -> str:
        return _("What became disclosed about this subject, and what stopped being disclosed.")

    def items(self, subject: Subject) -> list[feed.FeedItem]:
        return feed.recent(subject_id=subject.pk, limit=50)

    def item_title(self, item: feed.FeedItem) -> str:
        return describe_item(item)

    def item_description(self, item: feed.FeedItem) -> str:
        # Atom1Feed publishes this as <summary type="html">: readers render
        # it as HTML, so the imported text in it must arrive escaped.
        return escape(describe_item(item, detail=True))

    def item_link(self, item: feed.FeedItem) -> str:
        if item.record is not None:
            return f"/records/{item.record.pk}/"
        return f"/subjects/{item.event.subject.key}/#event-{item.event.pk}"

    def item_guid(self, item: feed.FeedItem) -> str:
        return f"{settings.SITE_URL}/api/v1/changes/#{item.event.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: feed.FeedItem):
        return item.event.created_at

    def item_updateddate(self, item: feed.FeedItem):
        return item.event.created_at
