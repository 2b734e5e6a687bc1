"""Ask Guru: members ask, named gurus answer, and every guru answer carries its disclaimer.

Questions and answers are ordinary threads and posts made by `forum.services.posting`; this
package keeps what is Ask Guru's own (car details, guru profiles and areas, answer records with
their disclaimer version, helpful marks) and reacts to the board through `forum.events`.
Importing the package registers its event subscriptions, notification kinds and post notes."""

from . import disclaimers, subscribers  # noqa: F401  (registration at import)

from .api import GuruApiController  # noqa: E402
from .controllers import GuruAdminController, GuruController  # noqa: E402

ROUTE_HANDLERS = [GuruController, GuruAdminController, GuruApiController]
