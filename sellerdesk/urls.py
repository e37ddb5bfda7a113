from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sellerdesk.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("sellerdesk.core.urls")),
    path("check/", include("sellerdesk.replycheck.urls")),
    path("sla/", include("sellerdesk.sla.urls")),
    path("chats/", include("chats.urls")),
    path("questions/", include("questions.urls")),
    path("templates/", include("templates_lib.urls")),
    path("reviews/", include("reviews.urls")),
    path("autopilot/", include("autopilot.urls")),
    path("marketplace/", include("sellerdesk.marketplaces.urls")),
    path("notifications/", include("sellerdesk.notifications.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
