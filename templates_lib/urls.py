from django.urls import path

from templates_lib import views

app_name = "templates_lib"

urlpatterns = [
    path("", views.template_list, name="list"),
    path("new/", views.template_edit, name="create"),
    path("<int:reply_template_id>/", views.template_edit, name="edit"),
    path("<int:reply_template_id>/delete/", views.template_delete, name="delete"),
    path("export/", views.template_export, name="export"),
    path("import/", views.template_import, name="import"),
    path("variables/", views.variable_list, name="variables"),
    path("variables/<int:custom_variable_id>/", views.variable_edit, name="variable_edit"),
    path("picker/search/", views.picker_search, name="picker_search"),
    path("picker/insert/", views.picker_insert, name="picker_insert"),
]
