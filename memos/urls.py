from django.urls import path

from memos import desk, record_views, views, views_cycle, views_files, views_list

app_name = "memos"

urlpatterns = [
    path("", views_list.memo_list, name="list"),
    path("desk/", desk.desk, name="desk"),
    path("start/", views_cycle.landing, name="start"),
    path("notices/<int:pk>/", views_cycle.notice_read, name="notice_read"),
    path(
        "from-report/<int:org_id>/<int:year>/",
        views_cycle.memo_from_report,
        name="from_report",
    ),
    path(
        "from-implementation/<int:org_id>/<int:year>/",
        views_cycle.memo_from_implementation,
        name="from_implementation",
    ),
    path("register/", views_list.outgoing_register, name="register"),
    path(
        "register/<int:year>.<str:fmt>",
        views_list.outgoing_register_file,
        name="register_file",
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("new/", views.memo_new, name="new"),
    path("<int:pk>/", views.memo_detail, name="detail"),
    path("organisations/<int:pk>/emblem/", views.emblem_settings, name="emblem"),
    path("organisations/<int:pk>/emblem/image/", views.emblem_image, name="emblem_image"),
    path(
        "organisations/<int:pk>/certificate/",
        record_views.certificate_settings,
        name="certificate",
    ),
    path("<int:pk>/edit/", views.memo_edit, name="edit"),
    path("<int:pk>/pdf/", views_files.memo_pdf, name="pdf"),
    path("<int:pk>/send/", views.memo_send, name="send"),
    path("<int:pk>/withdraw/", views.memo_withdraw, name="withdraw"),
    path("<int:pk>/decide/", views.memo_decide, name="decide"),
    path("<int:pk>/publish/", views.memo_publish, name="publish"),
    path("<int:pk>/attachments/", views_files.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        views_files.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_id>/delete/",
        views_files.attachment_delete,
        name="attachment_delete",
    ),
]
