from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone

from operations.selectors import DateRange

DEFAULT_DAYS = 14
LONGEST_RANGE = timedelta(days=366)
EARLIEST = date(1970, 1, 1)  # dates out at the calendar's ends overflow the day arithmetic


class DateRangeForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(required=False, min_value=1, max_value=366)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        latest = timezone.now().date() + LONGEST_RANGE
        if any(day and not EARLIEST <= day <= latest for day in (start, end)):
            raise forms.ValidationError("Choose dates from 1970 to a year from now.")
        if start and end and start > end:
            raise forms.ValidationError("The range starts after it ends.")
        if start and (end or timezone.now().date()) - start > LONGEST_RANGE:
            raise forms.ValidationError("Show at most a year at once.")
        return data

    def period(self) -> DateRange:
        """The chosen range: from start to end (or today), else `days` (14) up to end (or
        today); the last 14 days when what was asked is invalid."""
        today = timezone.now().date()
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") and data.get("end"):
            return DateRange(data["start"], data["end"])
        if data.get("start"):
            return DateRange(data["start"], max(data["start"], today))
        return DateRange.last_days(data.get("days") or DEFAULT_DAYS, data.get("end") or today)
