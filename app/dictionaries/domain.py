"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.core.composition import Domain
from app.dictionaries.cli import cli
from app.dictionaries.models import DictionaryCode
from app.dictionaries.router import router

domain = Domain(name="dictionaries", routers=[router], cli=cli, models=[DictionaryCode])
