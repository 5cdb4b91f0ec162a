import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pixiodoc.settings")
application = get_wsgi_application()

# Wrong keys show ciphertext as names and find nothing: refuse to serve (#20).
from pixiodoc.keycheck import refuse_to_start_on_wrong_keys  # noqa: E402

refuse_to_start_on_wrong_keys()
