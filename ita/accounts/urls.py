from django.contrib.auth import views as auth_views
from django.urls import path

from ita.accounts import invitation_views, views, views_factor

app_name = "accounts"

urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.password_reset, name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("unlock/", views.unlock, name="unlock"),
    path("unlock/sent/", views.unlock_sent, name="unlock_sent"),
    path("unlock/<uidb64>/<token>/", views.unlock_confirm, name="unlock_confirm"),
    path("second-factor/", views_factor.otp_enrol, name="otp_enrol"),
    path("second-factor/verify/", views_factor.otp_verify, name="otp_verify"),
    path("second-factor/remove/", views_factor.otp_remove, name="otp_remove"),
    path(
        "invitation/<int:pk>/<str:token>/",
        invitation_views.invitation_accept,
        name="invitation",
    ),
]
