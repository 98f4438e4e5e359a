"""Marshmallow schemas of the JSON API, one module per group of resources.

``XSchema`` is what the API returns, ``XCreateSchema`` / ``XUpdateSchema`` what it accepts,
``XQueryArgsSchema`` the filters of a list. Every read takes ``as_of`` (lists through their
``XQueryArgsSchema``, others through ``AsOfSchema``). Input schemas reject unknown fields, so a
misspelt field is an error rather than a silently ignored change.
"""
from web.api.schemas.admin import (
    IssuedTokenSchema, PluginSchema, TokenCreateSchema, TokenSchema, UserCreateSchema, UserSchema,
    UserUpdateSchema,
)
from web.api.schemas.common import AsOfSchema, ProblemSchema, ReasonSchema
from web.api.schemas.ledger import (
    EventPageSchema, EventQueryArgsSchema, EventSchema, ExportArgsSchema, HistoryEntrySchema,
    PublicKeySchema, VerdictSchema,
)
from web.api.schemas.logs import (
    ActionCloseSchema, ActionCreateSchema, ActionQueryArgsSchema, ActionSchema, ActionUpdateSchema,
    DecisionCreateSchema, DecisionQueryArgsSchema, DecisionSchema, DecisionSupersedeSchema,
)
from web.api.schemas.portfolio import (
    PortfolioCreateSchema, PortfolioSchema, PortfolioUpdateSchema, ProgrammeCreateSchema,
    ProgrammeSchema, ProgrammeUpdateSchema,
)
from web.api.schemas.projects import (
    ProjectCreateSchema, ProjectQueryArgsSchema, ProjectSchema, ProjectUpdateSchema,
    StageChangeCreateSchema, StageChangeSchema,
)
from web.api.schemas.reporting import (
    MilestoneAchieveSchema, MilestoneCreateSchema, MilestoneQueryArgsSchema,
    MilestoneReforecastSchema, MilestoneSchema, StatusReportCreateSchema,
    StatusReportQueryArgsSchema, StatusReportSchema, StatusReportUpdateSchema,
)

__all__ = [
    "ActionCloseSchema", "ActionCreateSchema", "ActionQueryArgsSchema", "ActionSchema",
    "ActionUpdateSchema", "AsOfSchema", "DecisionCreateSchema", "DecisionQueryArgsSchema",
    "DecisionSchema", "DecisionSupersedeSchema", "EventPageSchema", "EventQueryArgsSchema",
    "EventSchema", "ExportArgsSchema", "HistoryEntrySchema", "IssuedTokenSchema",
    "MilestoneAchieveSchema", "MilestoneCreateSchema", "MilestoneQueryArgsSchema",
    "MilestoneReforecastSchema", "MilestoneSchema", "PluginSchema", "PortfolioCreateSchema",
    "PortfolioSchema", "PortfolioUpdateSchema", "ProblemSchema", "ProgrammeCreateSchema",
    "ProgrammeSchema", "ProgrammeUpdateSchema", "ProjectCreateSchema", "ProjectQueryArgsSchema",
    "ProjectSchema", "ProjectUpdateSchema", "PublicKeySchema", "ReasonSchema",
    "StageChangeCreateSchema", "StageChangeSchema", "StatusReportCreateSchema",
    "StatusReportQueryArgsSchema", "StatusReportSchema", "StatusReportUpdateSchema",
    "TokenCreateSchema", "TokenSchema", "UserCreateSchema", "UserSchema", "UserUpdateSchema",
    "VerdictSchema",
]
