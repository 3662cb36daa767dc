"""The media storage on S3-compatible object storage (``NEWSROOM_MEDIA_S3_*``, newsroom/settings.py).

django-storages' S3Storage, with two additions:

- a ``Cache-Control`` written on each object by the folder it is in, so that the bucket (or the CDN
  in front of it) tells browsers how long to keep it — a year for image files, whose names are never
  reused, less for what may be withdrawn;
- the errors of a bucket out of reach or refusing a request raised as ``OSError``, as Django's
  file storage raises them: the forms' « le stockage est indisponible » message, the copy command's
  report and the clean-up after a failed upload catch what any storage raises, not boto3's classes.
"""

import errno
import functools

from boto3.exceptions import Boto3Error
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage

# A bucket out of reach must not hold a journalist's upload for minutes: three tries, short waits.
CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=30, retries={"mode": "standard", "max_attempts": 3})


def _as_os_errors(method):
    @functools.wraps(method)
    def wrapper(storage, name, *args, **kwargs):
        try:
            return method(storage, name, *args, **kwargs)
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(errno.ENOENT, "not in the bucket", name) from error
            raise OSError(errno.EIO, f"the bucket refused it: {error}", name) from error
        except (BotoCoreError, Boto3Error) as error:
            raise OSError(errno.EIO, f"the bucket is out of reach: {error}", name) from error

    return wrapper


class MediaS3Storage(S3Storage):
    """S3Storage whose ``cache_control`` option maps a name's prefix to the object's Cache-Control.

    The longest matching prefix wins; ``""`` is the default. Written when the object is uploaded
    (changing the option does not rewrite objects already in the bucket).
    """

    def __init__(self, **settings):
        super().__init__(**settings)
        if "client_config" not in settings:
            self.client_config = self.client_config.merge(CLIENT_CONFIG)

    def get_default_settings(self):
        return {**super().get_default_settings(), "cache_control": {}}

    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        matching = [prefix for prefix in self.cache_control if name.startswith(prefix)]
        if matching and "CacheControl" not in parameters:
            parameters["CacheControl"] = self.cache_control[max(matching, key=len)]
        return parameters

    _open = _as_os_errors(S3Storage._open)
    _save = _as_os_errors(S3Storage._save)
    delete = _as_os_errors(S3Storage.delete)
    exists = _as_os_errors(S3Storage.exists)
    listdir = _as_os_errors(S3Storage.listdir)
    size = _as_os_errors(S3Storage.size)
    get_modified_time = _as_os_errors(S3Storage.get_modified_time)
