from django.urls import path

from chats import views

app_name = "chats"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("unread/", views.unread_badge, name="unread_badge"),
    path("live/", views.live, name="live"),
    path("<int:conversation_id>/", views.conversation_detail, name="conversation"),
    path("<int:conversation_id>/messages/", views.conversation_messages, name="messages"),
    path("<int:conversation_id>/send/", views.message_send, name="send"),
    path("messages/<int:message_id>/", views.message_status, name="message"),
    path("files/<int:attachment_id>/", views.attachment_file, name="attachment"),
]
