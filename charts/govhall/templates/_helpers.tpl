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

{{- define "govhall.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "govhall.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Variables the chart sets itself; `env` entries with these names are ignored. */}}
{{- define "govhall.reservedEnv" -}}
{{- list "SERVICE_NAME" "REGION_CODE" "GRPC_PORT" "HTTP_PORT" "NATS_URL" "DATABASE_URL" "OTEL_SERVICE_NAME" "OTEL_EXPORTER_OTLP_ENDPOINT" "OTEL_RESOURCE_ATTRIBUTES" "POD_NAME" "POD_NAMESPACE" | toJson -}}
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
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "govhall.databaseSecretName" $root }}
      key: {{ default (printf "%s-database-url" $s.name) $s.databaseSecretKey }}
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
