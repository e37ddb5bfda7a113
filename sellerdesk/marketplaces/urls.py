from django.urls import path

from sellerdesk.marketplaces import views

app_name = "marketplaces"

urlpatterns = [
    path("", views.account, name="account"),
    path("test-connection/", views.account_test_connection, name="test_connection"),
    path("sync-now/", views.account_sync_now, name="sync_now"),
    path("outbox/<int:outbounditem_id>/", views.outbound_item_state, name="outbox_state"),
    path("outbox/<int:outbounditem_id>/retry/", views.outbound_item_retry, name="outbox_retry"),
]
