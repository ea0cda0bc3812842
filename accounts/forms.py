from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from .models import DEFAULT_TIME_ZONE, TIME_ZONE_CHOICES, User
from .throttle import client_ip, login_throttle


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        max_length=254, help_text="For password resets and reply notifications."
    )
    # static/js/site.js proposes the browser's own zone while this is still the default; what
    # the select says when the form is sent is what is saved. Left out, it is the default.
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        required=False,
        initial=DEFAULT_TIME_ZONE,
        help_text="Your diary's days follow it. We suggest your device's; change it if wrong.",
        widget=forms.Select(attrs={"data-default-zone": DEFAULT_TIME_ZONE}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email", "time_zone"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken. Please choose another.")
        return username

    def clean_time_zone(self) -> str:
        return self.cleaned_data["time_zone"] or DEFAULT_TIME_ZONE

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account already uses this email address. Try logging in."
            )
        return email


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
        ip = client_ip(self.request) if self.request else ""
        throttle = login_throttle()
        if throttle.is_limited(f"user:{username}", f"ip:{ip}"):
            self.throttled = True
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            if username:
                throttle.hit(f"user:{username}", f"ip:{ip}")
            raise


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "units", "time_zone", "stretch_hold"]
        help_texts = {"display_name": "Shown beside your comments instead of your username."}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("An account already uses this email address.")
        return email


class AccountDeleteForm(forms.Form):
    """Deleting an account needs the password again, so an open laptop cannot do it."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That is not your password. Nothing was deleted.", code="wrong_password"
            )
        return password
