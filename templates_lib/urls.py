from django.urls import path

from templates_lib import views

app_name = "templates_lib"

urlpatterns = [
    path("", views.template_list, name="list"),
    path("picker/search/", views.picker_search, name="picker_search"),
    path("picker/insert/", views.picker_insert, name="picker_insert"),
]
