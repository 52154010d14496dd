from django.urls import path

from memos.views import cycle, emblem, files, lists, memo, record

app_name = "memos"

urlpatterns = [
    path("", lists.memo_list, name="list"),
    path("desk/", lists.desk, name="desk"),
    path("start/", cycle.landing, name="start"),
    path("notices/<int:pk>/", cycle.notice_read, name="notice_read"),
    path(
        "from-report/<int:org_id>/<int:year>/",
        cycle.memo_from_report,
        name="from_report",
    ),
    path(
        "from-implementation/<int:org_id>/<int:year>/",
        cycle.memo_from_implementation,
        name="from_implementation",
    ),
    path("register/", lists.outgoing_register, name="register"),
    path(
        "register/<int:year>.<str:fmt>",
        lists.outgoing_register_file,
        name="register_file",
    ),
    path("inbox/", lists.inbox, name="inbox"),
    path("new/", memo.memo_new, name="new"),
    path("<int:pk>/", memo.memo_detail, name="detail"),
    path("organisations/<int:pk>/emblem/", emblem.emblem_settings, name="emblem"),
    path("organisations/<int:pk>/emblem/image/", emblem.emblem_image, name="emblem_image"),
    path(
        "organisations/<int:pk>/certificate/",
        record.certificate_settings,
        name="certificate",
    ),
    path("<int:pk>/edit/", memo.memo_edit, name="edit"),
    path("<int:pk>/pdf/", files.memo_pdf, name="pdf"),
    path("<int:pk>/send/", memo.memo_send, name="send"),
    path("<int:pk>/withdraw/", memo.memo_withdraw, name="withdraw"),
    path("<int:pk>/decide/", memo.memo_decide, name="decide"),
    path("<int:pk>/publish/", memo.memo_publish, name="publish"),
    path("<int:pk>/attachments/", files.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        files.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_id>/delete/",
        files.attachment_delete,
        name="attachment_delete",
    ),
]
