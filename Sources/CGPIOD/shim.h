// The few libgpiod calls Holdfast needs, behind one API that builds against
// both generations: libgpiod 1.6 (Debian bookworm) and 2.x (Debian trixie,
// current Raspberry Pi OS). The generation is chosen at compile time:
// libgpiod 1.x defines GPIOD_LINE_BULK_MAX_LINES; 2.0 removed line bulks.
//
// Every function returns NULL or -1 with errno set on failure.
#ifndef HOLDFAST_CGPIOD_SHIM_H
#define HOLDFAST_CGPIOD_SHIM_H

#include <errno.h>
#include <gpiod.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef GPIOD_LINE_BULK_MAX_LINES
#define HOLDFAST_GPIOD_API 1
#else
#define HOLDFAST_GPIOD_API 2
#endif

/// One requested line of one chip.
typedef struct holdfast_gpio_line {
    struct gpiod_chip *chip;
    unsigned int offset;
#if HOLDFAST_GPIOD_API == 1
    struct gpiod_line *line;
#else
    struct gpiod_line_request *request;
    struct gpiod_edge_event_buffer *events;
#endif
} holdfast_gpio_line;

static inline int holdfast_gpiod_api(void) { return HOLDFAST_GPIOD_API; }

/// Copies the label of the chip at `path` (e.g. "pinctrl-bcm2711") into `label`.
static inline int holdfast_gpio_chip_label(const char *path, char *label, size_t size) {
    struct gpiod_chip *chip = gpiod_chip_open(path);
    if (!chip) return -1;
#if HOLDFAST_GPIOD_API == 1
    const char *text = gpiod_chip_label(chip);
    snprintf(label, size, "%s", text ? text : "");
#else
    struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
    if (!info) { int e = errno; gpiod_chip_close(chip); errno = e; return -1; }
    snprintf(label, size, "%s", gpiod_chip_info_get_label(info));
    gpiod_chip_info_free(info);
#endif
    gpiod_chip_close(chip);
    return 0;
}

/// edge: 1 rising, 2 falling, 3 both. direction_output: 0 for edge events, 1 for an output.
static inline holdfast_gpio_line *holdfast_gpio_request(const char *chip_path, unsigned int offset,
                                                        const char *consumer, int direction_output,
                                                        int edge, int initial_value) {
    holdfast_gpio_line *l = (holdfast_gpio_line *)calloc(1, sizeof(holdfast_gpio_line));
    if (!l) return NULL;
    l->offset = offset;
    l->chip = gpiod_chip_open(chip_path);
    if (!l->chip) { int e = errno; free(l); errno = e; return NULL; }
    int ok = 0;
#if HOLDFAST_GPIOD_API == 1
    l->line = gpiod_chip_get_line(l->chip, offset);
    if (l->line) {
        int rc;
        if (direction_output) rc = gpiod_line_request_output(l->line, consumer, initial_value);
        else if (edge == 1) rc = gpiod_line_request_rising_edge_events(l->line, consumer);
        else if (edge == 2) rc = gpiod_line_request_falling_edge_events(l->line, consumer);
        else rc = gpiod_line_request_both_edges_events(l->line, consumer);
        ok = rc == 0;
    }
#else
    struct gpiod_line_settings *settings = gpiod_line_settings_new();
    struct gpiod_line_config *line_config = gpiod_line_config_new();
    struct gpiod_request_config *request_config = gpiod_request_config_new();
    if (settings && line_config && request_config) {
        if (direction_output) {
            gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_OUTPUT);
            gpiod_line_settings_set_output_value(settings, initial_value ? GPIOD_LINE_VALUE_ACTIVE
                                                                         : GPIOD_LINE_VALUE_INACTIVE);
        } else {
            gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_INPUT);
            gpiod_line_settings_set_edge_detection(settings, edge == 1 ? GPIOD_LINE_EDGE_RISING
                                                   : edge == 2 ? GPIOD_LINE_EDGE_FALLING : GPIOD_LINE_EDGE_BOTH);
            gpiod_line_settings_set_event_clock(settings, GPIOD_LINE_CLOCK_MONOTONIC);
        }
        gpiod_request_config_set_consumer(request_config, consumer);
        if (gpiod_line_config_add_line_settings(line_config, &offset, 1, settings) == 0) {
            l->request = gpiod_chip_request_lines(l->chip, request_config, line_config);
            if (l->request && !direction_output) l->events = gpiod_edge_event_buffer_new(16);
            ok = l->request != NULL && (direction_output || l->events != NULL);
        }
    }
    int saved = errno;
    if (settings) gpiod_line_settings_free(settings);
    if (line_config) gpiod_line_config_free(line_config);
    if (request_config) gpiod_request_config_free(request_config);
    errno = saved;
#endif
    if (!ok) {
        int e = errno;
#if HOLDFAST_GPIOD_API == 2
        if (l->events) gpiod_edge_event_buffer_free(l->events);
        if (l->request) gpiod_line_request_release(l->request);
#endif
        gpiod_chip_close(l->chip);
        free(l);
        errno = e ? e : EIO;
        return NULL;
    }
    return l;
}

/// Waits up to `timeout_ns` for an edge. Returns 1 with the event's
/// CLOCK_MONOTONIC time and whether it rose, 0 on timeout, -1 on error.
static inline int holdfast_gpio_wait_edge(holdfast_gpio_line *l, int64_t timeout_ns,
                                          uint64_t *timestamp_ns, int *rising) {
#if HOLDFAST_GPIOD_API == 1
    struct timespec timeout = { (time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000) };
    int rc = gpiod_line_event_wait(l->line, &timeout);
    if (rc <= 0) return rc;
    struct gpiod_line_event event;
    if (gpiod_line_event_read(l->line, &event) < 0) return -1;
    *timestamp_ns = (uint64_t)event.ts.tv_sec * 1000000000u + (uint64_t)event.ts.tv_nsec;
    *rising = event.event_type == GPIOD_LINE_EVENT_RISING_EDGE;
    return 1;
#else
    int rc = gpiod_line_request_wait_edge_events(l->request, timeout_ns);
    if (rc <= 0) return rc;
    if (gpiod_line_request_read_edge_events(l->request, l->events, 1) < 1) return -1;
    struct gpiod_edge_event *event = gpiod_edge_event_buffer_get_event(l->events, 0);
    *timestamp_ns = gpiod_edge_event_get_timestamp_ns(event);
    *rising = gpiod_edge_event_get_event_type(event) == GPIOD_EDGE_EVENT_RISING_EDGE;
    return 1;
#endif
}

static inline int holdfast_gpio_set_value(holdfast_gpio_line *l, int value) {
#if HOLDFAST_GPIOD_API == 1
    return gpiod_line_set_value(l->line, value);
#else
    return gpiod_line_request_set_value(l->request, l->offset,
                                        value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
#endif
}

static inline void holdfast_gpio_release(holdfast_gpio_line *l) {
    if (!l) return;
#if HOLDFAST_GPIOD_API == 1
    gpiod_line_release(l->line);
#else
    gpiod_edge_event_buffer_free(l->events);
    gpiod_line_request_release(l->request);
#endif
    gpiod_chip_close(l->chip);
    free(l);
}

#endif
