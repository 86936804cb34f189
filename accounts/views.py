from django.contrib.auth import views as auth_views
from django.shortcuts import render

from accounts.forms import SignInForm
from accounts.roles import STAFF_ROLES, role_required


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


@role_required(*STAFF_ROLES)
def home(request):
    """The start page: the tools this user's role may use."""
    return render(request, "accounts/home.html")
