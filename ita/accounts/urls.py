from django.contrib.auth import views as auth_views
from django.urls import path

from ita.accounts import invitation_views, views

app_name = "accounts"

urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
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
    path("second-factor/", views.otp_enrol, name="otp_enrol"),
    path("second-factor/verify/", views.otp_verify, name="otp_verify"),
    path(
        "invitation/<int:pk>/<str:token>/",
        invitation_views.invitation_accept,
        name="invitation",
    ),
]
