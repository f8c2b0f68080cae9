"""Our html_params writes what WTForms' writes, attribute for attribute, so a field drawn
with our NumberInput reads the same to a browser and a screen reader."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form, IntegerField, widgets
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets.core import html_params as wtforms_html_params

from app.forms import NumberInput, html_params


@pytest.mark.parametrize("attributes", [
    {},
    {"id": "quantity", "name": "quantity", "type": "number", "value": 1},
    {"required": True, "readonly": False, "disabled": False, "min": 1, "max": 999},
    {"class_": "buy", "for_": "quantity", "data_sku": "TEA-1", "aria_describedby": "a b"},
    {"value": 'say "hi" & <b>'},                       # text: escaped
    {"value": Markup('<b title="x">')},                # Markup: kept, but its quote goes
    {"value": None, "step": 0.5},
    {"aria_invalid": "true", "aria-describedby": "quantity-error"},
])
def test_html_params_writes_what_wtforms_writes(attributes):
    assert html_params(**attributes) == wtforms_html_params(**attributes)


values = st.one_of(st.booleans(), st.none(), st.integers(), st.text(max_size=8),
                   st.text(max_size=8).map(Markup))
names = st.from_regex(r"[a-z][a-z_\-]{0,10}", fullmatch=True)


@settings(max_examples=300, derandomize=True)
@given(st.dictionaries(names, values, max_size=8))
def test_html_params_writes_what_wtforms_writes_for_any_attributes(attributes):
    assert html_params(**attributes) == wtforms_html_params(**attributes)


class QuantityForm(Form):
    ours = IntegerField("Quantity", widget=NumberInput(), validators=[
        InputRequired(), NumberRange(1, 999)])
    theirs = IntegerField("Quantity", widget=widgets.NumberInput(), validators=[
        InputRequired(), NumberRange(1, 999)])


@pytest.mark.parametrize("typed", [None, "7", "-3", 'x" onfocus="alert(1)'])
def test_the_number_input_is_wtforms_own_with_any_value_typed(typed):
    form = QuantityForm(MultiDict({"ours": typed, "theirs": typed}) if typed else None)
    form.validate()
    extra = {"aria_describedby": "quantity-error", "aria-invalid": "true", "readonly": False}
    ours, theirs = form.ours(**extra), form.theirs(**extra)
    assert ours.replace("ours", "theirs") == theirs
    if typed:
        assert 'onfocus="' not in ours
