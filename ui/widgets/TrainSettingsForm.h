#pragma once

#include <QStringList>
#include <QWidget>

class ProjectDocument;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace dragon {
struct DragonConfig;
struct TrainingSettings;
} // namespace dragon

// The Train tab's DRAGON settings (rounds, loss, learning rate, beta, anchor weight, prompts
// per round, seeds, sampler steps, evaluation, run seed) with the settings suggested for the
// project's reward beside them. A field the project leaves unset shows the suggestion for its
// reward kind, else the engine's default; an edit is stored in the project at once.
class TrainSettingsForm : public QWidget
{
    Q_OBJECT
public:
    explicit TrainSettingsForm(ProjectDocument *document, QWidget *parent = nullptr);

    // The fields from the project's training settings, else the reward's suggestion, else the
    // defaults (after a project is opened or reset).
    void load();
    // The form's settings into `config` (the rest of it is left as it is).
    void fill(dragon::DragonConfig &config) const;
    dragon::TrainingSettings settings() const; // every field set
    int rounds() const;
    bool evaluates() const;          // "Evaluate every" is not 0
    void setEditable(bool editable); // off while a run trains

public Q_SLOTS:
    // Loss, prompts per round, seeds, beta, learning rate and anchor weight as suggested for
    // the reward.
    void applySuggestion();

Q_SIGNALS:
    void edited();                  // a field changed and the project holds the new value
    void roundsChanged(int rounds); // also while loading

private:
    // The suggestion's line (with what the form sets otherwise, or "in use"), the fields'
    // tooltips (why), and "Use suggested" enabled only when it would change something.
    void updateSuggestion();
    // "learning rate 3e-05 (suggested 2e-05)" for each field of the suggestion `suggested`
    // that the form sets otherwise.
    QStringList differencesFrom(const dragon::TrainingSettings &suggested) const;
    void store();

    ProjectDocument *m_document;
    QSpinBox *m_rounds, *m_promptsPerRound, *m_seeds, *m_demoSteps, *m_evalEvery, *m_evalSeeds,
        *m_runSeed;
    QComboBox *m_loss;
    QDoubleSpinBox *m_learningRate, *m_beta, *m_anchorWeight, *m_emaDecay;
    QLabel *m_suggested;
    QPushButton *m_useSuggested;
    bool m_loading = false;
};
