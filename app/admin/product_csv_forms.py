"""Forms of the product import page. The labels are a contract (docs/guide.md, Products
as CSV): screen readers and browser tests find the fields by them."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import InputRequired, Length


class PreviewImportForm(FlaskForm):
    csv_file = FileField("CSV file", validators=[
        FileRequired(message="Choose a CSV file to preview")],
        render_kw={"accept": ".csv,text/csv"},
        description="The first row names the columns; SKU is the one every file needs. "
                    "Nothing is saved until you press Import.")


class ImportForm(FlaskForm):
    """`Import`: the file previewed, by the token it is kept under."""

    token = HiddenField(validators=[InputRequired(), Length(max=64)])
