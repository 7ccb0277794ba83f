from django.urls import path

from instructions.views import screens

app_name = "instructions"

urlpatterns = [
    path("", screens.product_list, name="product-list"),
]
