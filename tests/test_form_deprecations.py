"""WTForms' deprecation warnings are errors in this suite (filterwarnings in pyproject.toml),
so a form that declares choices the way WTForms 3.4 no longer accepts fails the test that
renders it."""

import pytest
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice


def test_tuple_choices_fail_and_select_choices_pass():
    class Legacy(Form):
        size = SelectField(choices=[("s", "Small")])

    class Current(Form):
        size = SelectField(choices=[SelectChoice("s", "Small")])

    with pytest.raises(DeprecationWarning, match="SelectChoice"):
        Legacy()
    assert [c.label for c in Current().size.iter_choices()] == ["Small"]
