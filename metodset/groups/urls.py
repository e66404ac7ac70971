from django.urls import path

from metodset.groups.views import applications, groups

app_name = "groups"

urlpatterns = [
    path("", groups.group_list, name="list"),
    path("my/", groups.my_groups, name="mine"),
    path("new/", groups.group_create, name="create"),
    path("people/", applications.people_search, name="people"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/new/", applications.application_create, name="application_create"),
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/consent/",
        applications.application_consent,
        name="application_consent",
    ),
    path(
        "applications/<int:pk>/decide/", applications.application_decide, name="application_decide"
    ),
    path(
        "applications/<int:pk>/resubmit/",
        applications.application_resubmit,
        name="application_resubmit",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "applications/<int:pk>/order.docx", applications.application_order, name="application_order"
    ),
    path("<int:pk>/", groups.group_detail, name="detail"),
    path("<int:pk>/edit/", groups.group_edit, name="edit"),
    path("<int:pk>/join/", groups.group_join, name="join"),
    path("<int:pk>/leave/", groups.group_leave, name="leave"),
    path("<int:pk>/invitation/", groups.invitation_answer, name="invitation"),
    path("<int:pk>/members/", groups.group_members, name="members"),
    path("<int:pk>/members/invite/", groups.member_invite, name="member_invite"),
    path("<int:pk>/members/leader/", groups.leader_appoint, name="leader"),
    path("<int:pk>/members/<int:member_pk>/decide/", groups.member_decide, name="member_decide"),
    path("<int:pk>/members/<int:member_pk>/remove/", groups.member_remove, name="member_remove"),
    path("<int:pk>/plan/", groups.group_plan, name="plan"),
    path("<int:pk>/plan/<int:stage_pk>/", groups.group_plan, name="stage"),
    path("<int:pk>/materials/add/", groups.material_add, name="material_add"),
    path(
        "<int:pk>/materials/<int:link_pk>/remove/", groups.material_remove, name="material_remove"
    ),
    path("<int:pk>/discussion/", groups.discussion, name="discussion"),
    path("<int:pk>/discussion/<int:thread_pk>/", groups.thread_detail, name="thread"),
    path("<int:pk>/order/", groups.order_scan, name="order_scan"),
    path("<int:pk>/order/upload/", groups.order_upload, name="order_upload"),
    path("<int:pk>/close/", groups.group_close, name="close"),
]
