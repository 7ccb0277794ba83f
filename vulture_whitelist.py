"""Vulture whitelist: names used where vulture cannot see (Django, DRF, Celery and template hooks,
model fields, stored choices, tested helpers). Grouped by who uses them; each entry names its file.

Checked by `vulture core line instructions quality mes vulture_whitelist.py --min-confidence 60`.
A new finding is either removed (dead) or added here with its reason, never silenced in bulk.
"""

_ = object()  # a whitelist is never run: `_.name` marks `name` as used

# Migration attributes, read by Django's migration loader.
_.initial  # core/migrations/0001_initial.py, … (4 files)
_.dependencies  # core/migrations/0001_initial.py, … (16 files)

# Settings (mes/settings.py), read through django.conf.settings.
_.SECRET_KEY  # mes/settings.py
_.CSRF_TRUSTED_ORIGINS  # mes/settings.py
_.INSTALLED_APPS  # mes/settings.py
_.MIDDLEWARE  # mes/settings.py
_.ROOT_URLCONF  # mes/settings.py
_.WSGI_APPLICATION  # mes/settings.py
_.ASGI_APPLICATION  # mes/settings.py
_.FORM_RENDERER  # mes/settings.py
_.AUTHENTICATION_BACKENDS  # mes/settings.py
_.LOGIN_URL  # mes/settings.py
_.LOGIN_REDIRECT_URL  # mes/settings.py
_.LOGOUT_REDIRECT_URL  # mes/settings.py
_.AUTH_PASSWORD_VALIDATORS  # mes/settings.py
_.PASSWORD_HASHERS  # mes/settings.py
_.GUARDIAN_RAISE_403  # mes/settings.py
_.ANONYMOUS_USER_NAME  # mes/settings.py
_.LOCALE_PATHS  # mes/settings.py
_.TIME_ZONE  # mes/settings.py
_.USE_I18N  # mes/settings.py
_.USE_TZ  # mes/settings.py
_.STATIC_URL  # mes/settings.py
_.STATICFILES_DIRS  # mes/settings.py
_.STATIC_ROOT  # mes/settings.py
_.MEDIA_ROOT  # mes/settings.py
_.MEDIA_URL  # mes/settings.py
_.STORAGES  # mes/settings.py
_.FILE_UPLOAD_MAX_MEMORY_SIZE  # mes/settings.py
_.CELERY_BROKER_URL  # mes/settings.py
_.CELERY_RESULT_BACKEND  # mes/settings.py
_.CELERY_TASK_ALWAYS_EAGER  # mes/settings.py
_.CELERY_TASK_EAGER_PROPAGATES  # mes/settings.py
_.CELERY_TASK_ACKS_LATE  # mes/settings.py
_.CELERY_WORKER_PREFETCH_MULTIPLIER  # mes/settings.py
_.CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP  # mes/settings.py
_.CELERY_TASK_DEFAULT_QUEUE  # mes/settings.py
_.CELERY_BEAT_SCHEDULE  # mes/settings.py
_.CACHES  # mes/settings.py
_.REST_FRAMEWORK  # mes/settings.py
_.SPECTACULAR_SETTINGS  # mes/settings.py
_.SECURE_CSP  # mes/settings.py
_.X_FRAME_OPTIONS  # mes/settings.py
_.SESSION_COOKIE_AGE  # mes/settings.py
_.SECURE_SSL_REDIRECT  # mes/settings.py
_.SECURE_PROXY_SSL_HEADER  # mes/settings.py
_.SECURE_HSTS_SECONDS  # mes/settings.py
_.SECURE_HSTS_INCLUDE_SUBDOMAINS  # mes/settings.py
_.SECURE_HSTS_PRELOAD  # mes/settings.py
_.CSRF_COOKIE_SECURE  # mes/settings.py
_.LOGGING  # mes/settings.py
_.DEFAULT_AUTO_FIELD  # mes/settings.py

# Meta options, read by the model and form metaclasses.
_.verbose_name  # core/apps.py, … (15 files)
_.Meta  # core/models.py, … (13 files)
_.verbose_name_plural  # core/models.py, … (11 files)
_.constraints  # core/models.py, … (11 files)
_.ordering  # core/models.py, … (12 files)
_.indexes  # core/models.py, … (5 files)
_.abstract  # line/models/append_only.py, quality/models/dispositions.py
_.field_order  # quality/forms.py

# Admin classes and options, registered with @admin.register (core/admin.py, line/admin.py).
_.index_title  # core/admin.py
_.has_add_permission  # core/admin.py
_.has_change_permission  # core/admin.py
_.has_delete_permission  # core/admin.py
_.IdentityAdmin  # core/admin.py
_.list_display  # core/admin.py, line/admin.py
_.list_filter  # core/admin.py, line/admin.py
_.fieldsets  # core/admin.py
_.ApiTokenAdmin  # core/admin.py
_.AuditEntryAdmin  # core/admin.py
_.OutboxEventAdmin  # core/admin.py
_.StationAdmin  # line/admin.py
_.search_fields  # line/admin.py
_.ToolAdmin  # line/admin.py
_.QualificationGrantAdmin  # line/admin.py
_.WorkOrderAdmin  # line/admin.py
_.UnitAdmin  # line/admin.py
_.MaterialLotAdmin  # line/admin.py

# URLconf names Django looks up, error views they name, WSGI/ASGI entry points.
_.not_found  # handler404
_.server_error  # handler500
_.forbidden  # handler403
_.urlpatterns  # instructions/api/urls.py, … (8 files)
_.app_name  # instructions/urls.py, … (3 files)
_.application  # mes/asgi.py, mes/wsgi.py
_.handler403  # mes/urls.py
_.handler404  # mes/urls.py
_.handler500  # mes/urls.py

# Management command hooks, found by name by manage.py.
_.Command  # core/management/commands/change_role.py, … (6 files)
_.add_arguments  # core/management/commands/change_role.py, … (5 files)

# Arguments a framework hook's fixed signature requires (Django, DRF, drf-spectacular, urllib, signals).
_.auto_schema  # core/api/schema.py
_.options  # core/management/commands/change_role.py, … (6 files)
_.frame  # core/management/commands/relay_outbox.py
_.signum  # core/management/commands/relay_outbox.py
_.newurl  # core/webhooks.py
_.media_type  # instructions/api/views.py, line/api/as_built.py
_.parser_context  # instructions/api/views.py
_.base_url  # instructions/printing.py
_.charset  # line/api/as_built.py
_.render_style  # line/api/as_built.py
_.accepted_media_type  # line/api/as_built.py
_.renderer_context  # line/api/as_built.py

# AppConfigs named in INSTALLED_APPS.
_.CoreConfig  # core/apps.py
_.InstructionsConfig  # instructions/apps.py
_.LineConfig  # line/apps.py
_.QualityConfig  # quality/apps.py

# Middleware named in settings.MIDDLEWARE, and its hooks.
_.MiddlewareTokenAuthentication  # core/api/authentication.py
_.ApiErrorBodyMiddleware  # core/middleware.py
_.TokenAuthenticationMiddleware  # core/middleware.py
_.IdempotencyMiddleware  # core/middleware.py
_.process_exception  # core/middleware.py
_.PreferredLanguageMiddleware  # core/middleware.py
_.RequestInputMiddleware  # core/middleware.py

# DRF and drf-spectacular hooks named in settings.REST_FRAMEWORK or registered by subclassing.
_.authenticate_header  # core/api/authentication.py
_.has_permission  # core/api/endpoints.py
_.exception_handler  # core/api/errors.py
_.TokenScheme  # core/api/schema.py
_.target_class  # core/api/schema.py
_.get_security_definition  # core/api/schema.py
_.parser_classes  # instructions/api/views.py
_.second_signature  # quality/api/serializers.py

# Authentication: backend, password hasher and their hooks named in settings.
_.ShopFloorArgon2PasswordHasher  # core/hashers.py
_.time_cost  # core/hashers.py
_.memory_cost  # core/hashers.py
_.parallelism  # core/hashers.py
_.is_staff  # User.is_staff: admin site access, set from the role
_.RoleBackend  # core/permissions.py
_.get_user  # core/permissions.py

# urllib/http.client hooks the webhook sender overrides (no redirects, pinned address).
_.redirect_request  # core/webhooks.py
_.connect  # core/webhooks.py
_.http_open  # core/webhooks.py
_.https_open  # core/webhooks.py

# Form fields and clean_<field> hooks, called by Django's form machinery.
_.idempotency_key  # instructions/forms.py
_.clean_document  # instructions/forms.py
_.clean_barcode  # line/forms.py
_.confirmed  # line/forms.py
_.inspector_username  # line/forms.py
_.inspector_password  # line/forms.py
_.clean_serials  # line/forms.py
_.username2  # quality/forms.py
_.password2  # quality/forms.py
_.meaning2  # quality/forms.py
_.clean_split  # quality/forms.py

# Model fields: database columns, written by services and shown by the admin and screens.
_.source_hash  # core/documents.py, core/models.py
_.key_hash  # core/models.py, line/models/stations.py
_.created_by  # core/models.py, line/models/work_orders.py
_.subject_url  # core/models.py, core/views.py
_.subject_label  # core/models.py, core/views.py
_.relayed_at  # core/models.py
_.xact_id  # core/models.py
_.owner  # core/models.py
_.next_attempt_at  # core/models.py, core/webhooks.py
_.delivered_at  # core/models.py, core/webhooks.py
_.last_status_code  # core/models.py, core/webhooks.py
_.last_error  # core/models.py, core/webhooks.py
_.extensions  # instructions/models/revisions.py
_.accepted_by  # instructions/models/revisions.py
_.embedded  # instructions/models/revisions.py, instructions/printing.py
_.replaces  # line/as_built.py, line/models/execution.py
_.received_by  # line/models/lots.py
_.status_changed_at  # line/models/lots.py, line/services/lots.py
_.status_reason  # line/models/lots.py, line/services/lots.py
_.history  # simple_history HistoricalRecords: the history tables
_.content_object  # guardian's direct-FK object permission models
_.bound_at  # line/models/stations.py
_.bound_by  # line/models/stations.py
_.granted_at  # line/models/stations.py, line/services/qualifications.py
_.granted_by  # line/models/stations.py, line/services/qualifications.py
_.answered_at  # line/models/stations.py, line/services/stations.py
_.answered_by  # line/models/stations.py, line/services/stations.py
_.updated_at  # line/models/units.py
_.decision_reason  # quality/models/ncrs.py, quality/services/dispositions.py
_.assigned_to  # quality/models/ncrs.py, quality/services/ncrs.py
_.closed_at  # quality/models/ncrs.py, quality/services/ncrs.py
_.closed_by  # quality/models/ncrs.py, quality/services/ncrs.py

# Dataclass fields and properties of screen/record views, read by their templates or serialised to JSON.
_.is_lost  # core/models.py
_.render_minutes  # core/models.py
_.who  # core/views.py
_.matched_by  # instructions/compare.py
_.instruction_diff  # instructions/compare.py
_.css  # instructions/compare.py
_.has_changes  # instructions/compare.py
_.icon  # instructions/screens.py, line/views/screens.py
_.previous_url  # instructions/screens.py
_.next_url  # instructions/screens.py
_.exit_url  # instructions/screens.py
_.unit_serial  # instructions/screens.py
_.actions_template  # instructions/screens.py
_.meaning_label  # line/as_built.py
_.rebound  # line/as_built.py
_.reopened_from_step  # line/as_built.py
_.decision_label  # line/as_built.py
_.is_superseded  # line/as_built.py
_.sign_off_by  # line/as_built.py
_.released_by_ncr  # line/as_built.py
_.kind_label  # line/as_built.py
_.status_label  # line/as_built.py, quality/views/presenting.py
_.release_text  # line/as_built.py, line/models/holds.py
_.source_label  # line/as_built.py
_.eco_decisions  # line/as_built.py
_.started  # line/as_built.py
_.completed  # line/as_built.py
_.scrapped  # line/as_built.py
_.in_progress  # line/selectors.py
_.on_hold  # line/selectors.py
_.more_waiting  # line/selectors.py
_.is_full  # line/selectors.py
_.details  # line/views/screens.py
_.limits  # line/views/screens.py
_.keys  # line/views/screens.py
_.can_sign_off  # line/views/screens.py
_.start_key  # line/views/station.py
_.help_kinds  # line/views/tablet.py
_.idle_warning  # line/views/tablet.py
_.refusals  # quality/forms.py
_.is_truncated  # quality/selectors.py
_.can_disposition  # quality/selectors.py
_.kept_on_hold_by  # quality/services/dispositions.py
_.svg  # quality/services/feedback.py
_.over_standard  # quality/services/feedback.py
_.before_label  # quality/views/presenting.py
_.named_steps  # quality/views/presenting.py

# TextChoices members: stored values and offered choices.
_.RESPONSIBLE  # core/models.py
_.ATTRIBUTE  # instructions/choices.py
_.COUNTERSIGNATURE  # line/choices.py
_.SUPERVISOR  # line/choices.py
_.QUALITY  # line/choices.py
_.MAINTENANCE  # line/choices.py

# Public helpers without a caller in the apps, tested directly (kept on purpose).
_.revoke_api_token  # core.identities, tests/core/test_api_tokens.py
_.is_intact  # core.signatures, tests/core
_.is_complete  # instructions.screens, tests/instructions/test_screens_preview.py
_.with_recorded  # instructions.screens, tests/instructions/test_screens_preview.py
_.to_bracketed  # line.barcodes.gs1, tests/line/test_gs1*.py
_.to_unbracketed  # line.barcodes.gs1, tests/line/test_gs1*.py
_.mod10_is_valid  # line.barcodes, tests/line/test_gs1*.py
_.check_pair_is_valid  # line.barcodes, tests/line/test_gs1*.py

# Audited services kept as the way to change configuration now that the admin is read-only.
_.update_station  # line.services.stations: no screen or command calls it yet
_.unassign_station  # line.services.stations: no screen or command calls it yet

# Hooks found by name: a decorator's mark, a Celery beat task, a template filter, a queryset cache.
_.is_public  # set by @public on views, read by the URL walk test and LoginRequiredMiddleware
_.purge_idempotency_keys  # Celery task named in CELERY_BEAT_SCHEDULE
_._result_cache  # filling a queryset's cache by hand (instructions/content.py)
_._prefetch_done  # filling a queryset's cache by hand (instructions/content.py)
_.field_value  # template filter, templates/instructions/compare_field.html
