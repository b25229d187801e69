"""Staff review of subject bindings, mounted under /office/bindings/ in the office namespace."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.office_bindings, name="bindings"),
    path("<int:pk>/", views.office_binding, name="binding"),
    path("<int:pk>/decide/", views.office_binding_decide, name="binding-decide"),
]
