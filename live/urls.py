from django.urls import re_path

from live import views

# With and without a trailing slash, like every API route (config/urls.py).
urlpatterns = [
    re_path(r"^live/matches/?$", views.live_matches, name="live-matches"),
    re_path(r"^live/matches/stream/?$", views.live_matches_stream, name="live-matches-stream"),
    re_path(r"^live/rooms/(?P<room_id>[^/]+)/?$", views.room_stream, name="live-room"),
    re_path(r"^live/status/?$", views.live_status, name="live-status"),
    re_path(r"^me/events/?$", views.me_events, name="me-events"),
]
