from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render

from accounts.forms import SignInForm
from accounts.roles import STAFF_ROLES, Role, role_required, roles_of


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


@role_required(*STAFF_ROLES)
def home(request):
    """Clinicians land on their worklist; others see the tools their role may use."""
    if roles_of(request.user) == {Role.CLINICIAN}:
        return redirect("triage:worklist")
    return render(request, "accounts/home.html")
