from django.urls import path

from questions import views

app_name = "questions"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("badge/", views.new_badge, name="new_badge"),
    path("<int:question_id>/", views.question_detail, name="detail"),
    path("<int:question_id>/answer/", views.question_answer, name="answer"),
    path("<int:question_id>/decline/", views.question_decline, name="decline"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/<int:autodecision_id>/undo/", views.decision_undo, name="decision_undo"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:declinerule_id>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:declinerule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("rules/<int:declinerule_id>/move/", views.rule_move, name="rule_move"),
    path("rules/import/", views.rules_import, name="rules_import"),
    path("rules/export/", views.rules_export, name="rules_export"),
    path("rules/settings/", views.settings_update, name="settings"),
]
