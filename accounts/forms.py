from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UserCreationForm

from config.forms import StaticChoiceField, StaticSelect
from config.throttle import client_ip, login_throttle, password_check_throttle

from .backends import find_member
from .models import DEFAULT_TIME_ZONE, TIME_ZONE_CHOICES, User, fold

USERNAME_HELP = "Required. 150 characters or fewer. Letters, digits and . + - _ only."
NO_AT_IN_USERNAME = (
    "A username cannot contain “@”: that is how log-in tells an email address apart. "
    "Letters, digits and . + - _ are fine."
)


def clean_new_username(username: str, *, instance: User | None = None) -> str:
    """A username no other account has (in any case) and without "@", so it can never be read
    as someone's email address at log-in."""
    if "@" in username:
        raise forms.ValidationError(NO_AT_IN_USERNAME, code="at_in_username")
    others = User.objects.exclude(pk=instance.pk) if instance else User.objects.all()
    if others.filter(username_key=fold(username)).exists():
        raise forms.ValidationError("That username is taken. Please choose another.")
    return username


def refuse_email_named_as_a_username(email: str) -> None:
    """An address that is some account's username (made before usernames lost "@") would log in
    to one account by username and to another by email: refused."""
    if User.objects.filter(username_key=fold(email)).exists():
        raise forms.ValidationError(
            "This address cannot be used for an account. Please use another.", code="username"
        )


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        max_length=254, help_text="For password resets and reply notifications."
    )
    # static/js/site.js proposes the browser's own zone while this is still the default; what
    # the select says when the form is sent is what is saved. Left out, it is the default.
    time_zone = StaticChoiceField(
        choices=TIME_ZONE_CHOICES,
        required=False,
        initial=DEFAULT_TIME_ZONE,
        help_text="Your diary's days follow it. We suggest your device's; change it if wrong.",
        widget=StaticSelect(attrs={"data-default-zone": DEFAULT_TIME_ZONE}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email", "time_zone"]
        help_texts = {"username": USERNAME_HELP}

    def clean_username(self) -> str:
        return clean_new_username(self.cleaned_data["username"])

    def clean_time_zone(self) -> str:
        return self.cleaned_data["time_zone"] or DEFAULT_TIME_ZONE

    def clean_email(self) -> str:
        # An address with an account is accepted like any other: the sign-up mails its owner
        # instead (accounts.services.signup_start), so the page never says it is taken.
        email = self.cleaned_data["email"].strip()
        refuse_email_named_as_a_username(email)
        return email

    def _get_validation_exclusions(self) -> set[str]:
        # Not the model's checks of the email either: its unique constraint's error would say
        # the address has an account. The form field has checked the address's form.
        return super()._get_validation_exclusions() | {"email"}


class LoginForm(AuthenticationForm):
    """Log-in by username or email, refused for a while after too many wrong passwords."""

    username = forms.CharField(
        label="Username or email",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": (
            "Too many failed log-in attempts. For your safety, log-in is paused for 15 minutes; "
            "you can reset your password in the meantime."
        ),
    }
    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username", "")
        if not username or self.cleaned_data.get("password") is None:
            return super().clean()
        # The lock counts the account the text names, however it was typed (username or email,
        # any case), so one account has one budget; text naming no account counts on its own.
        member = find_member(username)
        identity = f"user:{member.pk}" if member else f"name:{fold(username)}"
        ip = client_ip(self.request) if self.request else ""
        identities = (identity, f"ip:{ip}")
        throttle = login_throttle()
        if not throttle.allow(*identities):
            self.throttled = True
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        cleaned = super().clean()
        throttle.forgive(*identities)  # a log-in that succeeds is no failure
        return cleaned


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin's log-in: the site's form, counters and lock, and staff only as Django's is."""

    error_messages = {
        **LoginForm.error_messages,
        "invalid_login": AdminAuthenticationForm.error_messages["invalid_login"],
    }


CHECKS_PAUSED = (
    "Too many wrong passwords. For your safety, password checks on this account are paused "
    "for 15 minutes; nothing was changed."
)


def check_own_password(user: User, password: str, *, wrong: str) -> None:
    """A logged-in member's password typed again, checked at most LOGIN_FAILURE_LIMIT times per
    window for the account, so a stolen session cannot guess its way to the password."""
    identity = f"user:{user.pk}"
    throttle = password_check_throttle()
    if not throttle.allow(identity):
        raise forms.ValidationError(CHECKS_PAUSED, code="throttled")
    if not user.check_password(password):
        raise forms.ValidationError(wrong, code="wrong_password")
    throttle.forgive(identity)


def password_field(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        required=required,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(forms.ModelForm):
    """The member's settings. A new email address needs the current password (else a stolen
    session could take the account over through a password reset to its own address)."""

    current_password = password_field("Your current password", required=False)
    time_zone = StaticChoiceField(label="Time zone", choices=TIME_ZONE_CHOICES)
    field_order = ["display_name", "email", "current_password"]

    class Meta:
        model = User
        fields = ["display_name", "email", "units", "time_zone", "stretch_hold"]
        help_texts = {"display_name": "Shown beside your comments instead of your username."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.old_email = self.instance.email
        self.fields["current_password"].help_text = "Needed only to change your email address."

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        refuse_email_named_as_a_username(email)
        if User.objects.filter(email_key=fold(email)).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("An account already uses this email address.")
        return email

    @property
    def email_changed(self) -> bool:
        return self.cleaned_data.get("email", self.old_email).lower() != self.old_email.lower()

    def clean(self):
        cleaned = super().clean()
        if "email" in cleaned and self.email_changed:
            password = cleaned.get("current_password", "")
            if not password:
                self.add_error(
                    "current_password", "Type your current password to change your email address."
                )
            else:
                try:
                    check_own_password(
                        self.instance,
                        password,
                        wrong="That is not your password. Your email address was not changed.",
                    )
                except forms.ValidationError as error:
                    self.add_error("current_password", error)
        return cleaned


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change, its old-password check limited per account."""

    def clean_old_password(self) -> str:
        password = self.cleaned_data["old_password"]
        check_own_password(self.user, password, wrong=self.error_messages["password_incorrect"])
        return password


class AccountDeleteForm(forms.Form):
    """Deleting an account needs the password again, so an open laptop cannot do it."""

    password = password_field("Your password")

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        check_own_password(
            self.user, password, wrong="That is not your password. Nothing was deleted."
        )
        return password


def throttled(form: forms.Form) -> bool:
    """Whether the form was refused for too many wrong passwords (answered 429)."""
    return any(
        error.code == "throttled" for errors in form.errors.as_data().values() for error in errors
    )
