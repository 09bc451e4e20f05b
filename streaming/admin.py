"""Events the consumers could never process, for operators to read (SPEC section 5)."""

import contextlib
import json

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from streaming.models import PoisonEvent


@admin.register(PoisonEvent)
class PoisonEventAdmin(admin.ModelAdmin):
    list_display = ("recorded_at", "consumer", "stream_seq", "subject", "reason")
    list_filter = ("consumer",)
    search_fields = ("subject", "reason")
    ordering = ("-recorded_at",)
    fields = ("consumer", "stream_seq", "subject", "reason", "recorded_at", "payload_as_text")
    readonly_fields = fields

    @admin.display(description="payload")
    def payload_as_text(self, event: PoisonEvent) -> str:
        text = event.payload_text
        # Not JSON (which may be why it is here): shown as it came.
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", text)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PoisonEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PoisonEvent | None = None) -> bool:
        return False
