from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordChangeView, PasswordResetView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from config.throttle import (
    client_ip,
    password_reset_mail_throttle,
    password_reset_throttle,
    signup_throttle,
)

from . import services
from .forms import (
    AccountDeleteForm,
    LoginForm,
    ProfileForm,
    SignUpForm,
    ThrottledPasswordChangeForm,
    throttled,
)
from .models import PendingSignUp, fold


class ThrottledLoginView(LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


FLOOD_MESSAGE = "Too many attempts from here in a short time. Please wait an hour and try again."


def _identities(request: HttpRequest, field: str) -> tuple[str, str]:
    return f"ip:{client_ip(request)}", f"{field}:{request.POST.get(field, '')[:254]}"


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign-up's first step: every valid form, whatever its address, goes to the same "check
    your inbox" page (accounts.services.signup_start)."""
    if request.user.is_authenticated:
        return redirect("profile")
    form = SignUpForm(request.POST or None)
    context = {"form": form, "next": _safe_next(request)}
    if request.method == "POST":
        if not signup_throttle().allow(*_identities(request, "email")):
            form.is_valid()
            form.add_error(None, FLOOD_MESSAGE)
            return render(request, "registration/signup.html", context, status=429)
        if form.is_valid():
            services.signup_start(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                time_zone=form.cleaned_data["time_zone"],
                next_url=context["next"] or "",
                link=lambda token: request.build_absolute_uri(
                    reverse("signup_confirm", args=[token])
                ),
            )
            return redirect("signup_sent")
    return render(request, "registration/signup.html", context)


@require_safe
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_sent.html")


@require_http_methods(["GET", "HEAD", "POST"])
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Sign-up's second step. GET shows a button (a mail scanner fetching the link makes no
    account); its POST makes the account, logs in and goes where the sign-up was headed."""
    if request.user.is_authenticated:
        return redirect("profile")
    if request.method != "POST":
        pending = PendingSignUp.objects.by_token(token)
        return render(request, "registration/signup_confirm.html", {"pending": pending})
    made = services.signup_confirm(token=token)
    if made is None:
        return render(request, "registration/signup_confirm.html", {"pending": None})
    user, next_url = made
    login(request, user, backend="accounts.backends.UsernameOrEmailBackend")
    messages.success(request, f"Welcome, {user.username}! Your account is ready.")
    # The target is an address, never a view name for redirect() to reverse ("0" was a 500);
    # checked again, as the site's host is checked only now.
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(next_url)
    return redirect("profile")


class ThrottledPasswordResetView(PasswordResetView):
    """The same answer for known and unknown addresses, and a limit on floods of either.

    A flood from one address is refused with 429. Requests for one email address always get
    the usual "check your inbox" page, past the limit without a mail: refusing them would let
    anyone block a member's own reset by asking for it first.
    """

    def post(self, request, *args, **kwargs):
        if not password_reset_throttle().allow(f"ip:{client_ip(request)}"):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, FLOOD_MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = fold(form.cleaned_data["email"])
        if not password_reset_mail_throttle().allow(f"email:{email}"):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.email_changed:
            services.email_change_notify(user=request.user, old_email=form.old_email)
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    status = 429 if request.method == "POST" and throttled(form) else 200
    return render(request, "accounts/profile.html", {"form": form}, status=status)


@never_cache
@login_required
@require_safe
def account_export(request: HttpRequest) -> JsonResponse:
    """All of the member's data as one JSON download."""
    response = JsonResponse(
        services.account_export(user=request.user), json_dumps_params={"indent": 2}
    )
    # A username may hold any letter: RFC 6266's filename* carries it whole.
    filename = f"lighter-legs-{request.user.username}-data.json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """GET explains what goes; POST with the right password deletes and logs out."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(request, "Your account and everything in it have been deleted.")
        return redirect("home")
    status = 429 if request.method == "POST" and throttled(form) else 200
    return render(request, "accounts/delete.html", {"form": form}, status=status)


class ThrottledPasswordChangeView(PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if throttled(form):
            response.status_code = 429
        return response
