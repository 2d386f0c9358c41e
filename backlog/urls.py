from django.urls import path

from backlog import views

urlpatterns = [
    path("p/<slug:slug>/backlog/", views.feature_backlog, name="backlog"),
    path("p/<slug:slug>/backlog/stories/", views.story_backlog, name="backlog-stories"),
    path("p/<slug:slug>/backlog/features/<uuid:item_id>/", views.feature_row, name="backlog-feature-row"),
    path("p/<slug:slug>/backlog/stories/<uuid:item_id>/", views.story_row, name="backlog-story-row"),
]
