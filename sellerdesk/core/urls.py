from django.urls import path

from sellerdesk.core import views

app_name = "core"

urlpatterns = [
    path("shop/switch/", views.shop_switch, name="shop_switch"),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:membership_id>/", views.member_update, name="member_update"),
]
