from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="local",
            field=models.BooleanField(
                default=False,
                help_text="Dispatched to the sub-district office of the ticket's place.",
                verbose_name="local matter",
            ),
        ),
    ]
