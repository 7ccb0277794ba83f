"""Helpers for the line's screen tests: a bound tablet and operators signed in at it."""

from django.http import HttpResponse
from django.test import Client

from line.services import stations as station_services
from line.views.tablet import COOKIE, set_tablet_cookie


def tablet_client(station, *, engineer, name: str = "Tablet 1") -> Client:
    """A browser-less client carrying the cookie of a tablet bound to `station`."""
    _binding, key = station_services.bind_tablet(station=station, name=name, actor=engineer)
    client = Client()
    response = HttpResponse()
    set_tablet_cookie(response, key)  # exactly what the binding screen sends the tablet
    client.cookies[COOKIE] = response.cookies[COOKIE].value
    return client


def sign_in(client: Client, badge: str, pin: str = ""):
    return client.post("/line/sign-in", {"badge": badge, "pin": pin})
