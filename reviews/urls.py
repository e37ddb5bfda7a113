from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("badge/", views.unanswered_badge, name="unanswered_badge"),
    path("<int:review_id>/", views.review_detail, name="detail"),
    path("<int:review_id>/answer/", views.review_answer, name="answer"),
    path("<int:review_id>/case/", views.case_open, name="case_open"),
    path("photos/<int:reviewphoto_id>/", views.review_photo, name="photo"),
    path("cases/<int:case_id>/step/", views.case_step, name="case_step"),
    path("cases/<int:case_id>/offer/", views.case_offer, name="case_offer"),
    path("cases/<int:case_id>/resolve/", views.case_resolve, name="case_resolve"),
    path("offers/<int:compensationoffer_id>/decide/", views.offer_decide, name="offer_decide"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/rules/new/", views.rule_create, name="rule_create"),
    path("settings/rules/<int:situationrule_id>/", views.rule_edit, name="rule_edit"),
    path("settings/rules/<int:situationrule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("settings/rules/<int:situationrule_id>/move/", views.rule_move, name="rule_move"),
]
