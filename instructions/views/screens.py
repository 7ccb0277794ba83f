"""Engineer screens: products, revisions, a revision in full."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from instructions.selectors import products_with_revisions
from mes.core.permissions import VIEW_REVISION, requires


@requires(VIEW_REVISION)
def product_list(request: HttpRequest) -> HttpResponse:
    return render(request, "instructions/product_list.html", {"products": products_with_revisions()})
