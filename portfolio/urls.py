from django.urls import path

from portfolio import views

urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:slug>/trace/", views.traceability, name="traceability"),
]
