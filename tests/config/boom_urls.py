"""The project's routes plus one that fails, for the error-answer tests."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("api/boom", boom), path("boom", boom), *project_urlpatterns]
