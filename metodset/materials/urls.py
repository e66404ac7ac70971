from django.urls import path

from metodset.materials import views

app_name = "materials"

urlpatterns = [
    path("", views.material_list, name="list"),
    path("new/", views.material_create, name="create"),
    path("mine/", views.my_materials, name="mine"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("bookmarks/", views.my_bookmarks, name="bookmarks"),
    path("bookmarks/<int:bookmark_pk>/remove/", views.bookmark_remove, name="bookmark_remove"),
    path("moderation/<int:report_pk>/", views.report_resolve, name="report_resolve"),
    path("<int:pk>/", views.material_detail, name="detail"),
    path("<int:pk>/edit/", views.material_edit, name="edit"),
    path("<int:pk>/files/", views.material_files_add, name="files_add"),
    path("<int:pk>/files/<int:file_pk>/", views.material_file, name="file"),
    path("<int:pk>/files/<int:file_pk>/remove/", views.material_file_remove, name="file_remove"),
    path("<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("<int:pk>/comments/<int:comment_pk>/remove/", views.comment_remove, name="comment_remove"),
    path("<int:pk>/rate/", views.material_rate, name="rate"),
    path("<int:pk>/report/", views.material_report, name="report"),
    path("<int:pk>/bookmark/", views.material_bookmark, name="bookmark"),
    path("<int:pk>/similar/", views.material_similar, name="similar"),
    path("<int:pk>/<str:action>/", views.material_transition, name="transition"),
]
