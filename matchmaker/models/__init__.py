"""SQLAlchemy models by area, re-exported here so that ``from matchmaker.models import X``
keeps working. Schema changes go through Alembic migrations (``migrations/``)."""

from .accounts import (  # noqa: F401
    CERTIFICATIONS,
    COMPANY_SIZES,
    Company,
    CompanyTag,
    Role,
    User,
)
from .audit import (  # noqa: F401
    AuditEntry,
)
from .badges import (  # noqa: F401
    SHAREABLE_CONTACT_FIELDS,
    Badge,
    Contact,
)
from .base import (  # noqa: F401
    new_session_token,
    utcnow,
)
from .events import (  # noqa: F401
    Event,
    GroupPairing,
    MeetingTable,
    MeetingWindow,
    ParticipantGroup,
    PhaseReminder,
    ProgramItem,
    ProgramSignup,
    ProgramWaiting,
    Registration,
    RegistrationMessage,
    RegistrationStatus,
    Slot,
    program_item_companies,
    registration_attendees,
    registration_slots,
)
from .exchange import (  # noqa: F401
    DeniedParty,
    ImportMapping,
    ImportUpload,
)
from .idempotency import (  # noqa: F401
    IdempotencyKey,
)
from .market import (  # noqa: F401
    KnownPartner,
    Opportunity,
    OpportunityKind,
)
from .matching import (  # noqa: F401
    CompanyEmbedding,
    NotInterested,
)
from .meetings import (  # noqa: F401
    DISCUSSION_LEVELS,
    OPEN_REQUEST_STATUSES,
    DayStatus,
    MeetingRequest,
    Notification,
    RequestMessage,
    RequestStatus,
)
from .schedule import (  # noqa: F401
    CheckIn,
    Interpreter,
    MeetingBooking,
    MeetingNote,
    MeetingRating,
    ScheduleRun,
    ScheduleRunStatus,
    interpreter_slots,
)
from .survey import (  # noqa: F401
    Outcome,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
)
from .teams import (  # noqa: F401
    EventMember,
    Invitation,
    TeamRole,
)
