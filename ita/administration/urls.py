"""``/organisations/<id>/manage/…``: the organisation's own administration."""

from django.urls import path

from ita.administration import views

app_name = "administration"

urlpatterns = [
    path("", views.people, name="people"),
    path("invite/", views.invite, name="invite"),
    path(
        "invitations/<int:invitation_id>/renew/",
        views.invitation_renew,
        name="invitation_renew",
    ),
    path(
        "invitations/<int:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("people/<int:user_id>/", views.person, name="person"),
    path("people/<int:user_id>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:user_id>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path(
        "people/<int:user_id>/second-factor/",
        views.person_second_factor_reset,
        name="person_second_factor_reset",
    ),
    path("positions/", views.positions, name="positions"),
    path("positions/<int:position_id>/", views.position, name="position"),
    path("positions/<int:position_id>/delete/", views.position_delete, name="position_delete"),
    path("acting/", views.acting, name="acting"),
    path("acting/<int:appointment_id>/delete/", views.acting_delete, name="acting_delete"),
    path("chain/", views.memo_chain, name="chain"),
    path("settings/", views.settings_page, name="settings"),
    path("history/", views.history, name="history"),
]
