"""SQLAlchemy models, one module per aggregate; callers write `import models as m`."""

from .base import metadata
from .category import Category, CategoryAccess
from .duplicates import DuplicateAnswerMark, ThreadAnalysis
from .guru import GuruAnswer, GuruArea, GuruDisclaimer, GuruHelpfulMark, GuruProfile, GuruQuestion
from .coins import CoinBalance, CoinLedgerEntry, CoinPrize, CoinReason, CoinRedemption, DeliveryAddress, RedemptionStatus
from .membership import (DataAccess, DeletionRequest, GoldApplication, GoldStatus, MembershipEvent, ReservedName,
                         TermsVersion, Vehicle)
from .notification import Notification, OutboxEmail
from .notice import BoardFunction, Notice, NoticeKind
from .moderation import ModerationDecision, Report, ReviewHistory, ReviewItem, ReviewStatus
from .photos import Photo, PhotoBlock, PhotoPurpose, PhotoReport, PhotoStatus
from .setting import SiteSetting
from .thread import Post, PostRevision, Thread, ThreadKind, Visibility
from .user import LoginAttempt, MemberStatus, Role, TermsAcceptance, Tier, User

__all__ = (
    "Category",
    "CategoryAccess",
    "DuplicateAnswerMark",
    "CoinBalance",
    "CoinLedgerEntry",
    "CoinPrize",
    "CoinReason",
    "CoinRedemption",
    "DeliveryAddress",
    "GuruAnswer",
    "GuruArea",
    "GuruDisclaimer",
    "GuruHelpfulMark",
    "GuruProfile",
    "GuruQuestion",
    "RedemptionStatus",
    "LoginAttempt",
    "DataAccess",
    "DeletionRequest",
    "GoldApplication",
    "GoldStatus",
    "MembershipEvent",
    "ReservedName",
    "TermsVersion",
    "Vehicle",
    "Notification",
    "OutboxEmail",
    "MemberStatus",
    "BoardFunction",
    "Notice",
    "NoticeKind",
    "ModerationDecision",
    "Report",
    "ReviewHistory",
    "ReviewItem",
    "ReviewStatus",
    "Photo",
    "PhotoBlock",
    "PhotoPurpose",
    "PhotoReport",
    "PhotoStatus",
    "Post",
    "PostRevision",
    "Role",
    "SiteSetting",
    "TermsAcceptance",
    "Thread",
    "ThreadAnalysis",
    "ThreadKind",
    "Tier",
    "User",
    "Visibility",
    "metadata",
)
