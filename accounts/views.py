"""Registration, e-mail verification, subject bindings. Thin: parse, call, render."""

from __future__ import annotations

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts import two_factor as two_factor_service
from accounts.forms import (
    BindingDecisionForm,
    BindingRequestForm,
    ConfirmEmailForm,
    RegistrationForm,
    ResendConfirmationForm,
    SecondFactorForm,
)
from accounts.models import SubjectBinding
from audit.services import audit_record


def _next_url(request: HttpRequest) -> str:
    """Where the visitor was going (`next`), if it is a path on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url[:500]
    return ""


def _with_next(url: str, next_url: str, **params: str) -> str:
    params = {name: value for name, value in params.items() if value}
    if next_url:
        params["next"] = next_url
    return f"{url}?{urlencode(params)}" if params else url


def register(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the address has an account (services.user_register).
        services.user_register(
            email=form.cleaned_data["email"], password=form.cleaned_data["password1"], next_url=next_url
        )
        return render(request, "accounts/register_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/register.html", {"form": form, "next": next_url})


def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.registration_resend(email=form.cleaned_data["email"])
        return render(request, "accounts/register_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/resend.html", {"form": form})


def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows the form (mail scanners that open links activate nothing); POST confirms."""
    try:
        user = services.confirmation_user(uidb64=uidb64, token=token)
    except services.AccountError as exc:
        return render(request, "accounts/verify_failed.html", {"message": str(exc)}, status=400)
    form = ConfirmEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_verify_email(uidb64=uidb64, token=token, password=form.cleaned_data["password"])
        except services.AccountError as exc:
            form.add_error("password", str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your e-mail address is confirmed and your account is active."))
            return redirect(_next_url(request) or reverse("accounts:dashboard"))
    return render(request, "accounts/verify.html", {"form": form, "email": user.email})


class AuditedPasswordChangeView(PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action="accounts.password.change", target=self.request.user, summary="password changed")
        return response


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The account page: bindings, and the request to act for a subject.

    `next` is where the visitor was going (e.g. a repair application for
    one record): it is kept through the binding request and offered as the
    way on, so that nobody ends up at a dead end.
    """
    next_url = _next_url(request)
    form = BindingRequestForm(
        request.POST or None, request.FILES or None, initial={"uscc": request.GET.get("uscc", "")[:40]}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if form.subject is not None:
                services.binding_request(user=request.user, subject=form.subject, proof=data["proof"])
            else:
                services.binding_request_person(
                    user=request.user,
                    identity_number=data["identity_number"],
                    name=data["person_name"],
                    proof=data["proof"],
                )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your request was sent. Staff will review your proof."))
            return redirect(_with_next(reverse("accounts:dashboard"), next_url))
    bindings = SubjectBinding.objects.filter(user=request.user).select_related("subject").order_by("-requested_at")
    return render(request, "accounts/dashboard.html", {"form": form, "bindings": bindings, "next": next_url})


def _binding_for(user, pk: int) -> SubjectBinding:
    binding = get_object_or_404(SubjectBinding.objects.select_related("user", "subject"), pk=pk)
    if binding.user_id == user.pk:
        return binding
    if user.is_staff and user.has_perm("accounts.review_binding"):
        return binding
    raise PermissionDenied


@login_required
def proof_file(request: HttpRequest, pk: int) -> FileResponse:
    binding = _binding_for(request.user, pk)
    response = FileResponse(binding.proof.open("rb"), content_type=binding.proof_type)
    response["Content-Disposition"] = f'inline; filename="proof-{binding.pk}.{binding.proof.name.rsplit(".", 1)[-1]}"'
    # Typed by content at upload and sent with nosniff; no CSP sandbox, which
    # would stop Chrome's PDF viewer.
    response["Cache-Control"] = "private, no-store"
    return response


def _reviewer(view):
    return login_required(permission_required("accounts.review_binding", raise_exception=True)(view))


@_reviewer
def office_bindings(request: HttpRequest) -> HttpResponse:
    pending = selectors.bindings_pending().exclude(user=request.user).order_by("requested_at")
    decided = (
        SubjectBinding.objects.exclude(status=SubjectBinding.Status.PENDING)
        .select_related("user", "subject", "decided_by")
        .order_by("-decided_at")[:50]
    )
    return render(request, "accounts/office_bindings.html", {"pending": pending, "decided": decided})


@_reviewer
def office_binding(request: HttpRequest, pk: int) -> HttpResponse:
    binding = _binding_for(request.user, pk)
    return render(request, "accounts/office_binding.html", {"binding": binding})


@_reviewer
@require_POST
def office_binding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    binding = _binding_for(request.user, pk)
    form = BindingDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("office:binding", pk=binding.pk)
    try:
        services.binding_decide(
            binding=binding,
            actor=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except services.AccountError as exc:
        messages.error(request, str(exc))
        return redirect("office:binding", pk=binding.pk)
    messages.success(request, _("Decision recorded."))
    return redirect("office:bindings")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step of a staff login: a code from the app, or a recovery code."""
    if not two_factor_service.has_totp(request.user):
        return redirect(f"{reverse('accounts:two-factor-setup')}?{urlencode({'next': request.GET.get('next', '')})}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_service.second_factor_verify(request=request, code=form.cleaned_data["code"]):
            return redirect(two_factor_service.safe_next(request))
        form.add_error("code", _("This code is not right, or was used already. Wait for the next code and try again."))
    return render(request, "accounts/two_factor.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code (or type the key), confirm with a code."""
    if two_factor_service.has_totp(request.user) and not request.user.is_verified():
        # Replacing the app needs the current second factor first.
        return redirect(f"{reverse('accounts:two-factor')}?{urlencode({'next': request.path})}")
    device = two_factor_service.totp_device_start(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor_service.totp_device_confirm(request=request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": two_factor_service.safe_next(request)},
            )
        form.add_error("code", _("This code is not right. Check the time on your phone and try the next code."))
    context = {
        "form": form,
        "secret": b32encode(device.bin_key).decode(),
        "uri": device.config_url,
        "qr": mark_safe(two_factor_service.qr_svg(device)),  # noqa: S308 (SVG made by segno from our own URI)
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        return redirect(f"{reverse('accounts:two-factor')}?{urlencode({'next': reverse('accounts:dashboard')})}")
    codes = two_factor_service.recovery_codes_issue(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:dashboard")})
