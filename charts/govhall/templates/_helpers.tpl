{{/*
Helpers of the govhall chart. Every per-service template does

  {{- range $name := include "govhall.serviceNames" $ | fromJsonArray }}
  {{- $s := dict }}{{- $_ := include "govhall.service" (dict "root" $ "name" $name "out" $s) }}
  {{- if $s.enabled }} ... {{- end }}

so that a service's settings are always `serviceDefaults` overlaid with its `services` entry.
*/}}

{{- define "govhall.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "govhall.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "govhall.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on everything the release renders, less the instance. Argument: the root context. */}}
{{- define "govhall.baseLabels" -}}
helm.sh/chart: {{ include "govhall.chart" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: govhall
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
govhall/tier: {{ .Values.tier | quote }}
govhall/region: {{ .Values.regionCode | quote }}
{{- end -}}

{{/* Labels of release-wide objects (service account, Secret, dashboards, rules). Argument: the root context. */}}
{{- define "govhall.commonLabels" -}}
{{ include "govhall.baseLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector labels of one service. Argument: dict root, name. */}}
{{- define "govhall.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* All labels of one service's objects. Argument: dict root, name. */}}
{{- define "govhall.labels" -}}
{{ include "govhall.baseLabels" .root }}
{{ include "govhall.selectorLabels" . }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Names of the `services` entries, sorted, as a JSON array. Argument: the root context. */}}
{{- define "govhall.serviceNames" -}}
{{- keys .Values.services | sortAlpha | toJson -}}
{{- end -}}

{{/*
Deep merge: overlays map `src` onto map `dst` in place (maps merge key by key, anything else replaces,
false and 0 included, unlike sprig's merge). Argument: list dst src.
*/}}
{{- define "govhall.mergeInto" -}}
{{- $dst := index . 0 -}}
{{- range $key, $value := index . 1 -}}
{{- $current := index $dst $key -}}
{{- if and (kindIs "map" $value) (kindIs "map" $current) -}}
{{- include "govhall.mergeInto" (list $current $value) -}}
{{- else -}}
{{- $_ := set $dst $key $value -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
One service's settings, written into the dict `out`: serviceDefaults overlaid with services.<name>, plus
  name, fullname, env (top-level env overlaid with the service's env), imageRef (the full image reference),
  grpcPort / httpPort as integers, terminationGracePeriodSeconds.
Argument: dict root, name, out.
*/}}
{{- define "govhall.service" -}}
{{- $root := .root -}}
{{- $s := deepCopy $root.Values.serviceDefaults -}}
{{- $entry := index $root.Values.services .name | default dict -}}
{{- include "govhall.mergeInto" (list $s (deepCopy $entry)) -}}
{{- $env := deepCopy ($root.Values.env | default dict) -}}
{{- include "govhall.mergeInto" (list $env ($s.env | default dict)) -}}
{{- $_ := set $s "env" $env -}}
{{- $_ := set $s "name" .name -}}
{{- $_ := set $s "fullname" (printf "%s-%s" (include "govhall.fullname" $root | trunc 50 | trimSuffix "-") .name | trunc 63 | trimSuffix "-") -}}
{{- $repository := default (printf "govhall/%s" .name) $s.image.repository -}}
{{- if $root.Values.image.registry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $root.Values.image.registry) $repository -}}
{{- end -}}
{{- $tag := $s.image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion -}}
{{- $_ := set $s "imageRef" (printf "%s:%s" $repository (toString $tag)) -}}
{{- $_ := set $s "grpcPort" (int $s.grpcPort) -}}
{{- $_ := set $s "httpPort" (int $s.httpPort) -}}
{{- $graceMs := int (default "10000" $env.SHUTDOWN_GRACE_MS) -}}
{{- $graceS := div (add $graceMs 999) 1000 -}}
{{- $_ := set $s "terminationGracePeriodSeconds" (add $graceS (int $s.preStopSleepSeconds) (int $s.terminationGraceExtraSeconds)) -}}
{{- range $key, $value := $s -}}
{{- $_ := set $.out $key $value -}}
{{- end -}}
{{- end -}}

{{- define "govhall.databaseSecretName" -}}
{{- default (printf "%s-database" (include "govhall.fullname" .)) .Values.database.secretName -}}
{{- end -}}

{{- define "govhall.natsSecretName" -}}
{{- default (printf "%s-nats" (include "govhall.fullname" .)) .Values.nats.auth.existingSecret -}}
{{- end -}}

{{- define "govhall.natsTlsSecretName" -}}
{{- default (printf "%s-nats-tls" (include "govhall.fullname" .)) .Values.nats.tls.existingSecret -}}
{{- end -}}

{{- define "govhall.authSecretName" -}}
{{- default (printf "%s-auth" (include "govhall.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}

{{/* Where the Secrets are mounted in every pod. */}}
{{- define "govhall.natsCredentialsDir" -}}/etc/govhall/nats{{- end -}}
{{- define "govhall.natsTlsDir" -}}/etc/govhall/nats-tls{{- end -}}
{{- define "govhall.authDir" -}}/etc/govhall/auth{{- end -}}

{{/* The NATS credential file of a service for the nkey and creds methods, else empty. Argument: dict root, s. */}}
{{- define "govhall.natsCredentialsFile" -}}
{{- $method := .root.Values.nats.auth.method -}}
{{- if eq $method "nkey" -}}
{{ printf "%s.nk" .s.name }}
{{- else if eq $method "creds" -}}
{{ printf "%s.creds" .s.name }}
{{- end -}}
{{- end -}}

{{- define "govhall.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "govhall.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Variables the chart sets itself; `env` entries with these names are ignored. */}}
{{- define "govhall.reservedEnv" -}}
{{- list "SERVICE_NAME" "REGION_CODE" "GRPC_PORT" "HTTP_PORT" "NATS_URL" "NATS_USER" "NATS_PASSWORD" "NATS_TOKEN" "NATS_NKEY_SEED_FILE" "NATS_CREDS_FILE" "NATS_TLS_CA_FILE" "NATS_TLS_CERT_FILE" "NATS_TLS_KEY_FILE" "AUTH_TRUSTED_KEYS_FILE" "AUTH_SIGNING_KEY_FILE" "AUTH_SIGNING_KEY_ID" "DATABASE_URL" "OTEL_SERVICE_NAME" "OTEL_EXPORTER_OTLP_ENDPOINT" "OTEL_RESOURCE_ATTRIBUTES" "POD_NAME" "POD_NAMESPACE" | toJson -}}
{{- end -}}

{{/* The container environment of one service. Argument: dict root, s (the resolved service). */}}
{{- define "govhall.env" -}}
{{- $root := .root -}}
{{- $s := .s -}}
- name: SERVICE_NAME
  value: {{ $s.name | quote }}
- name: REGION_CODE
  value: {{ $root.Values.regionCode | quote }}
{{- if gt $s.grpcPort 0 }}
- name: GRPC_PORT
  value: {{ $s.grpcPort | quote }}
{{- end }}
- name: HTTP_PORT
  value: {{ $s.httpPort | quote }}
- name: NATS_URL
{{- if $root.Values.nats.existingSecret }}
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.nats.existingSecret }}
      key: {{ $root.Values.nats.existingSecretKey }}
{{- else }}
  value: {{ required "nats.url is required" $root.Values.nats.url | quote }}
{{- end }}
{{- $method := $root.Values.nats.auth.method }}
{{- if eq $method "password" }}
- name: NATS_USER
  value: {{ $s.name | quote }}
- name: NATS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "govhall.natsSecretName" $root }}
      key: {{ printf "%s-password" $s.name }}
{{- else if eq $method "token" }}
- name: NATS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "govhall.natsSecretName" $root }}
      key: {{ printf "%s-token" $s.name }}
{{- else if eq $method "nkey" }}
- name: NATS_NKEY_SEED_FILE
  value: {{ printf "%s/%s" (include "govhall.natsCredentialsDir" $root) (include "govhall.natsCredentialsFile" .) | quote }}
{{- else if eq $method "creds" }}
- name: NATS_CREDS_FILE
  value: {{ printf "%s/%s" (include "govhall.natsCredentialsDir" $root) (include "govhall.natsCredentialsFile" .) | quote }}
{{- else if ne $method "none" }}
{{- fail (printf "nats.auth.method must be password, token, nkey, creds or none, not %q" $method) }}
{{- end }}
{{- if $root.Values.nats.tls.enabled }}
- name: NATS_TLS_CA_FILE
  value: {{ printf "%s/ca.crt" (include "govhall.natsTlsDir" $root) | quote }}
{{- if $root.Values.nats.tls.clientCertificate }}
- name: NATS_TLS_CERT_FILE
  value: {{ printf "%s/tls.crt" (include "govhall.natsTlsDir" $root) | quote }}
- name: NATS_TLS_KEY_FILE
  value: {{ printf "%s/tls.key" (include "govhall.natsTlsDir" $root) | quote }}
{{- end }}
{{- end }}
- name: AUTH_TRUSTED_KEYS_FILE
  value: {{ printf "%s/trusted-keys.json" (include "govhall.authDir" $root) | quote }}
- name: AUTH_SIGNING_KEY_FILE
  value: {{ printf "%s/%s-signing-key.pem" (include "govhall.authDir" $root) $s.name | quote }}
- name: AUTH_SIGNING_KEY_ID
  value: {{ $s.name | quote }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "govhall.databaseSecretName" $root }}
      key: {{ default (printf "%s-database-url" $s.name) $s.databaseSecretKey }}
{{- range $peer := $s.calls | default list }}
{{- if not (hasKey $root.Values.services $peer) }}
{{- fail (printf "services.%s.calls names %q, which is not a service of the chart" $s.name $peer) }}
{{- end }}
{{- $target := dict }}
{{- include "govhall.service" (dict "root" $root "name" $peer "out" $target) }}
{{- if and $s.enabled (not $target.enabled) }}
{{- fail (printf "services.%s calls %s, which this release does not run (services.%s.enabled)" $s.name $peer $peer) }}
{{- end }}
- name: {{ printf "%s_ADDRESS" (upper (replace "-" "_" $peer)) }}
  value: {{ printf "%s:%d" $target.fullname (int $target.grpcPort) | quote }}
{{- end }}
{{- range $variable, $key := $s.authFiles | default dict }}
- name: {{ $variable }}
  value: {{ printf "%s/%s" (include "govhall.authDir" $root) $key | quote }}
{{- end }}
{{- $reserved := include "govhall.reservedEnv" $root | fromJsonArray }}
{{- range $key := keys $s.env | sortAlpha }}
{{- if not (has $key $reserved) }}
- name: {{ $key }}
  value: {{ index $s.env $key | toString | quote }}
{{- end }}
{{- end }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: OTEL_SERVICE_NAME
  value: {{ $s.name | quote }}
{{- with $root.Values.telemetry.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- $attributes := list "service.namespace=govhall" (printf "govhall.tier=%s" $root.Values.tier) (printf "govhall.region=%s" $root.Values.regionCode) "k8s.namespace.name=$(POD_NAMESPACE)" "k8s.pod.name=$(POD_NAME)" }}
{{- with $root.Values.telemetry.resourceAttributes }}
{{- $attributes = append $attributes . }}
{{- end }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ join "," $attributes | quote }}
{{- end -}}


{{/* The Secret mounts of one service's container. Argument: dict root, s (the resolved service). */}}
{{- define "govhall.secretMounts" -}}
{{- $root := .root -}}
{{- if include "govhall.natsCredentialsFile" . }}
- name: nats-credentials
  mountPath: {{ include "govhall.natsCredentialsDir" $root }}
  readOnly: true
{{- end }}
{{- if $root.Values.nats.tls.enabled }}
- name: nats-tls
  mountPath: {{ include "govhall.natsTlsDir" $root }}
  readOnly: true
{{- end }}
- name: auth
  mountPath: {{ include "govhall.authDir" $root }}
  readOnly: true
{{- end -}}

{{/*
The Secret volumes of one service's pod: only the keys this service needs, so a pod never holds another
service's credential or private key. Mounted without subPath, so a changed Secret reaches running pods (files
re-read on use: the TLS files on each NATS reconnect). Argument: dict root, s.
*/}}
{{- define "govhall.secretVolumes" -}}
{{- $root := .root -}}
{{- $s := .s -}}
{{- with include "govhall.natsCredentialsFile" . }}
- name: nats-credentials
  secret:
    secretName: {{ include "govhall.natsSecretName" $root }}
    defaultMode: 0440
    items:
      - key: {{ printf "%s-%s" $s.name (ternary "nkey-seed" "creds" (eq $root.Values.nats.auth.method "nkey")) }}
        path: {{ . }}
{{- end }}
{{- if $root.Values.nats.tls.enabled }}
- name: nats-tls
  secret:
    secretName: {{ include "govhall.natsTlsSecretName" $root }}
    defaultMode: 0440
    items:
      - key: ca.crt
        path: ca.crt
      {{- if $root.Values.nats.tls.clientCertificate }}
      - key: tls.crt
        path: tls.crt
      - key: tls.key
        path: tls.key
      {{- end }}
{{- end }}
- name: auth
  secret:
    secretName: {{ include "govhall.authSecretName" $root }}
    defaultMode: 0440
    items:
      - key: trusted-keys.json
        path: trusted-keys.json
      - key: {{ printf "%s-signing-key.pem" $s.name }}
        path: {{ printf "%s-signing-key.pem" $s.name }}
      {{- range $key := values ($s.authFiles | default dict) | sortAlpha }}
      - key: {{ $key }}
        path: {{ $key }}
      {{- end }}
{{- end -}}
